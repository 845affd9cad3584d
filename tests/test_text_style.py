"""Tests for presser.render.text_style: quotes, dates, labels, catalogs and language fallback."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog
from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_file
from babel.messages.pofile import read_po

from presser.render import text_style
from presser.render.text_style import (
    MESSAGE_IDS,
    QUOTE_STYLES,
    Labels,
    QuoteSegment,
    available_languages,
    default_quote_style,
    format_date,
    format_datetime,
    iso_local,
    labels_for,
    language_fallbacks,
    normalize_tag,
    set_quote,
    us_dateline_date,
)

NBSP = "\u00a0"
LOCALE_DIR = Path(text_style.__file__).parent.parent / "locale"
LANGUAGES = ("sv", "nb", "nn", "da", "fi", "is", "en", "de", "fr", "es", "nl")
CET = timezone(timedelta(hours=1))
STOCKHOLM = "Europe/Stockholm"

KNAPE_TEXT = (
    "Vi vill med den här satsningen stärka kvaliteten på insatserna, öka tillgängligheten och "
    "förbättra bemötandet inom både socialtjänst och hälso- och sjukvård."
)
KNAPE_CONTINUED = (
    "Närmare 150 kommuner har tillsammans med hälso- och sjukvården startat ett "
    "utvecklingsarbete med hjälp av det kvalificerade stödet på länsplanet."
)


def sentence(segments: tuple[QuoteSegment, ...]) -> str:
    return " ".join(segment.text for segment in segments)


# --------------------------------------------------------------------------- quotes: seeds


def test_seed_knape_segments() -> None:
    segments = set_quote(
        "sv",
        text=KNAPE_TEXT,
        continued=KNAPE_CONTINUED,
        speaker="Anders Knape",
        role="ordförande för SKL",
        verb="säger",
    )
    assert segments == (
        QuoteSegment("quote", "– " + KNAPE_TEXT[:-1] + ","),
        QuoteSegment("attribution", "säger Anders Knape, ordförande för SKL."),
        QuoteSegment("quote", KNAPE_CONTINUED),
    )


def test_seed_knape_default_verb_matches_seed_paragraph() -> None:
    seed = (
        "– Vi vill med den här satsningen stärka kvaliteten på insatserna, öka "
        "tillgängligheten och förbättra bemötandet inom både socialtjänst och hälso- och "
        "sjukvård, säger Anders Knape, ordförande för SKL. Närmare 150 kommuner har "
        "tillsammans med hälso- och sjukvården startat ett utvecklingsarbete med hjälp av det "
        "kvalificerade stödet på länsplanet."
    )
    segments = set_quote(
        "sv",
        text=KNAPE_TEXT,
        continued=KNAPE_CONTINUED,
        speaker="Anders Knape",
        role="ordförande för SKL",
    )
    assert sentence(segments) == seed


def test_seed_jonkoping_quote() -> None:
    seed = (
        "– Under året kommer vi i Jönköpings län att genomföra ett antal utbildningar, bland "
        "annat en basutbildning för personal som möter personer med riskbruk, missbruk eller "
        "beroende i sitt arbete, berättar Charlotta Johansson, som är processledare för "
        "utvecklingsarbetet i länet. Kommunerna och Landstinget arbetar tillsammans för att "
        "hitta fördjupad samverkan på lokalnivå, bland annat genom att arbeta i "
        "lärandeseminarier. En viktig del i arbetat är att hitta fördjupade former för "
        "brukarmedverkan."
    )
    segments = set_quote(
        "sv",
        text=(
            "Under året kommer vi i Jönköpings län att genomföra ett antal utbildningar, bland "
            "annat en basutbildning för personal som möter personer med riskbruk, missbruk "
            "eller beroende i sitt arbete."
        ),
        continued=(
            "Kommunerna och Landstinget arbetar tillsammans för att hitta fördjupad samverkan "
            "på lokalnivå, bland annat genom att arbeta i lärandeseminarier. En viktig del i "
            "arbetat är att hitta fördjupade former för brukarmedverkan."
        ),
        speaker="Charlotta Johansson",
        role="som är processledare för utvecklingsarbetet i länet",
        verb="berättar",
    )
    assert sentence(segments) == seed
    assert [s.kind for s in segments] == ["quote", "attribution", "quote"]


def test_seed_skl_second_quote_without_role() -> None:
    segments = set_quote("sv", text=KNAPE_TEXT, speaker="Anders Knape")
    assert sentence(segments) == "– " + KNAPE_TEXT[:-1] + ", säger Anders Knape."
    assert segments[-1] == QuoteSegment("attribution", "säger Anders Knape.")


# --------------------------------------------------------------------------- quotes: rules


@pytest.mark.parametrize("mark", ["?", "!"])
def test_question_and_exclamation_keep_their_mark_and_take_no_comma_sv(mark: str) -> None:
    segments = set_quote("sv", text=f"Är det bra{mark}", speaker="Anna Berg")
    assert sentence(segments) == f"– Är det bra{mark} säger Anna Berg."


@pytest.mark.parametrize("mark", ["?", "!"])
def test_question_and_exclamation_keep_their_mark_en(mark: str) -> None:
    segments = set_quote("en", text=f"Is it good{mark}", speaker="Anna Berg", role="CEO")
    assert sentence(segments) == f"“Is it good{mark}” said Anna Berg, CEO."


def test_text_without_final_punctuation_takes_the_comma() -> None:
    assert sentence(set_quote("sv", text="Det är bra", speaker="Anna Berg")) == (
        "– Det är bra, säger Anna Berg."
    )


def test_ellipsis_is_kept_like_a_question_mark() -> None:
    assert sentence(set_quote("sv", text="Vi får se …", speaker="Anna Berg")) == (
        "– Vi får se … säger Anna Berg."
    )


def test_english_structure() -> None:
    segments = set_quote(
        "en",
        text="We are pleased.",
        continued="It is a big day.",
        speaker="Anna Berg",
        role="CEO of Example",
    )
    assert segments == (
        QuoteSegment("quote", "“We are pleased,”"),
        QuoteSegment("attribution", "said Anna Berg, CEO of Example."),
        QuoteSegment("quote", "“It is a big day.”"),
    )


def test_attribution_replaces_verb_speaker_role_and_gets_full_stop() -> None:
    segments = set_quote(
        "en",
        text="Subversion is great.",
        speaker="Hyrum Wright",
        role="President",
        attribution="said Subversion Corporation President Hyrum Wright",
    )
    assert sentence(segments) == (
        "“Subversion is great,” said Subversion Corporation President Hyrum Wright."
    )


def test_attribution_ending_in_punctuation_gets_no_extra_full_stop() -> None:
    segments = set_quote("sv", text="Bra.", speaker=None, attribution="säger vd:n på Exempel AB.")
    assert segments[1] == QuoteSegment("attribution", "säger vd:n på Exempel AB.")


def test_role_ending_in_full_stop_is_not_doubled() -> None:
    segments = set_quote("en", text="Good.", speaker="Anna Berg", role="CEO of Example Inc.")
    assert sentence(segments) == "“Good,” said Anna Berg, CEO of Example Inc."


def test_no_speaker_and_no_attribution_gives_one_quote_segment() -> None:
    assert set_quote("sv", text="Det är bra.", speaker=None, continued="Mycket bra.") == (
        QuoteSegment("quote", "– Det är bra. Mycket bra."),
    )
    assert set_quote("en", text="Good.", speaker=None) == (QuoteSegment("quote", "“Good.”"),)


def test_whitespace_is_normalised() -> None:
    segments = set_quote(
        "sv",
        text="  Vi vill\n  stärka   kvaliteten.\n",
        speaker=" Anders  Knape ",
        role="ordförande\nför SKL",
        continued="\nMer.\n",
    )
    assert (
        sentence(segments)
        == "– Vi vill stärka kvaliteten, säger Anders Knape, ordförande för SKL. Mer."
    )


def test_no_break_spaces_are_kept() -> None:
    segments = set_quote("sv", text=f"Det kostar 5{NBSP}000 kronor.", speaker="Ann")
    assert sentence(segments) == f"– Det kostar 5{NBSP}000 kronor, säger Ann."


def test_verb_override() -> None:
    assert sentence(set_quote("en", text="Yes.", speaker="Ann", verb="says")) == (
        "“Yes,” says Ann."
    )


@pytest.mark.parametrize(
    ("language", "verb"),
    [
        ("sv", "säger"),
        ("nb", "sier"),
        ("no", "sier"),
        ("nn", "seier"),
        ("da", "siger"),
        ("fi", "sanoo"),
        ("is", "segir"),
        ("en", "said"),
        ("de", "sagt"),
        ("fr", "déclare"),
        ("es", "dice"),
        ("nl", "zegt"),
        ("xx", "said"),
    ],
)
def test_default_verb_per_language(language: str, verb: str) -> None:
    segments = set_quote(language, text="Text.", speaker="Ann")
    assert segments[1] == QuoteSegment("attribution", f"{verb} Ann.")


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        ("sv", "– Bra, säger Ann, vd. Mer."),
        ("sv-FI", "– Bra, säger Ann, vd. Mer."),
        ("nb", "– Bra, sier Ann, vd. Mer."),
        ("nn", "– Bra, seier Ann, vd. Mer."),
        ("da", "– Bra, siger Ann, vd. Mer."),
        ("fi", "– Bra, sanoo Ann, vd. Mer."),
        ("is", "– Bra, segir Ann, vd. Mer."),
        ("en", "“Bra,” said Ann, vd. “Mer.”"),
        ("en-GB", "“Bra,” said Ann, vd. “Mer.”"),
        ("de", "„Bra“, sagt Ann, vd. „Mer.“"),
        ("de-CH", "«Bra», sagt Ann, vd. «Mer.»"),
        ("fr", f"«{NBSP}Bra{NBSP}», déclare Ann, vd. «{NBSP}Mer.{NBSP}»"),
        ("es", "«Bra», dice Ann, vd. «Mer.»"),
        ("nl", "‘Bra’, zegt Ann, vd. ‘Mer.’"),
        ("xx", "“Bra,” said Ann, vd. “Mer.”"),
    ],
)
def test_language_default_quotation(language: str, expected: str) -> None:
    segments = set_quote(language, text="Bra.", speaker="Ann", role="vd", continued="Mer.")
    assert sentence(segments) == expected


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        ("de", "„Gut?“, sagt Ann."),
        ("es", "«¿Bien?», dice Ann."),
        ("fr", f"«{NBSP}Bien{NBSP}?{NBSP}» déclare Ann."),
        ("nl", "‘Goed?’ zegt Ann."),
    ],
)
def test_question_in_languages_with_quotation_marks(language: str, expected: str) -> None:
    text = {"de": "Gut?", "es": "¿Bien?", "fr": f"Bien{NBSP}?", "nl": "Goed?"}[language]
    assert sentence(set_quote(language, text=text, speaker="Ann")) == expected


@pytest.mark.parametrize(
    ("style", "expected_sv", "expected_en"),
    [
        ("dash", "– Bra, säger Ann. Mer.", "– Good, said Ann. More."),
        ("hyphen", "- Bra, säger Ann. Mer.", "- Good, said Ann. More."),
        ("curly", "”Bra”, säger Ann. ”Mer.”", "“Good,” said Ann. “More.”"),
        ("straight", '"Bra", säger Ann. "Mer."', '"Good," said Ann. "More."'),
        ("guillemets", "»Bra», säger Ann. »Mer.»", "«Good,» said Ann. «More.»"),
        ("low-high", "„Bra“, säger Ann. „Mer.“", "„Good,“ said Ann. „More.“"),
    ],
)
def test_named_styles(style: str, expected_sv: str, expected_en: str) -> None:
    sv = set_quote("sv", text="Bra.", speaker="Ann", continued="Mer.", style=style)
    en = set_quote("en", text="Good.", speaker="Ann", continued="More.", style=style)
    assert sentence(sv) == expected_sv
    assert sentence(en) == expected_en


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        ("fi", "»Bra», sanoo Ann."),
        ("da", "»Bra«, siger Ann."),
        ("de", "»Bra«, sagt Ann."),
        ("nb", "«Bra», sier Ann."),
        ("fr", f"«{NBSP}Bra{NBSP}», déclare Ann."),
    ],
)
def test_guillemets_follow_the_language(language: str, expected: str) -> None:
    segments = set_quote(language, text="Bra.", speaker="Ann", style="guillemets")
    assert sentence(segments) == expected


def test_dash_style_sets_no_comma_after_question_even_in_german() -> None:
    assert sentence(set_quote("de", text="Gut?", speaker="Ann", style="dash")) == (
        "– Gut? sagt Ann."
    )


def test_quote_styles_tuple() -> None:
    assert QUOTE_STYLES == ("dash", "hyphen", "curly", "straight", "guillemets", "low-high")


def test_empty_text_is_an_error() -> None:
    with pytest.raises(ValueError, match="a quote needs text"):
        set_quote("sv", text=" \n", speaker="Ann")


def test_unknown_style_is_an_error() -> None:
    with pytest.raises(ValueError, match="unknown quote style 'fancy'"):
        set_quote("sv", text="Bra.", speaker="Ann", style="fancy")


@pytest.mark.parametrize(
    ("language", "style"),
    [("sv", "dash"), ("is", "dash"), ("en", "curly"), ("de", "low-high"), ("fr", "guillemets")],
)
def test_default_quote_style(language: str, style: str) -> None:
    assert default_quote_style(language) == style


def test_default_quote_style_of_a_language_with_its_own_marks() -> None:
    assert default_quote_style("nl") is None


# --------------------------------------------------------------------------- dates


def test_seed_date() -> None:
    published = datetime(2010, 1, 28, 9, 52, tzinfo=CET)
    assert (
        format_datetime(
            published,
            timezone=STOCKHOLM,
            language="sv",
            pattern="MMM d, y HH:mm zzz",
            date_locale="en_GB",
        )
        == "Jan 28, 2010 09:52 CET"
    )


def test_summer_time_is_cest() -> None:
    moment = datetime(2010, 6, 1, 8, 0, tzinfo=UTC)
    assert (
        format_datetime(moment, timezone=STOCKHOLM, language="sv", pattern="d MMM y HH:mm z")
        == "1 juni 2010 10:00 CEST"
    )


@pytest.mark.parametrize("pattern", ["MMM d, y HH:mm z", "MMM d, y HH:mm zz", "MMM d, y HH:mm zzz"])
def test_plain_english_gives_cet_not_offset(pattern: str) -> None:
    published = datetime(2010, 1, 28, 9, 52, tzinfo=CET)
    assert (
        format_datetime(published, timezone=STOCKHOLM, language="en", pattern=pattern)
        == "Jan 28, 2010 09:52 CET"
    )


def test_converts_to_the_organisation_zone() -> None:
    moment = datetime(2010, 1, 28, 8, 52, tzinfo=UTC)
    assert (
        format_datetime(moment, timezone=STOCKHOLM, language="en", pattern="HH:mm zzz")
        == "09:52 CET"
    )


def test_default_pattern_is_the_long_date_with_minutes() -> None:
    published = datetime(2010, 1, 28, 9, 52, tzinfo=CET)
    assert (
        format_datetime(published, timezone=STOCKHOLM, language="sv") == "28 januari 2010 09:52 CET"
    )
    assert (
        format_datetime(published, timezone=STOCKHOLM, language="en")
        == "January 28, 2010, 9:52\u202fAM CET"  # CLDR sets a narrow space before AM
    )
    assert (
        format_datetime(published, timezone=STOCKHOLM, language="nn")
        == "28. januar 2010 kl. 09:52 CET"
    )


def test_named_short_format() -> None:
    published = datetime(2010, 1, 28, 9, 52, tzinfo=CET)
    assert (
        format_datetime(published, timezone=STOCKHOLM, language="sv", pattern="short")
        == "2010-01-28 09:52"
    )


def test_locale_own_abbreviation_is_kept() -> None:
    # German has its own CLDR abbreviations (MEZ/MESZ); only offsets are replaced.
    published = datetime(2010, 1, 28, 9, 52, tzinfo=CET)
    assert (
        format_datetime(published, timezone=STOCKHOLM, language="de", pattern="d. MMMM y, HH:mm z")
        == "28. Januar 2010, 09:52 MEZ"
    )


def test_long_zone_name_is_left_to_babel() -> None:
    published = datetime(2010, 1, 28, 9, 52, tzinfo=CET)
    assert (
        format_datetime(published, timezone=STOCKHOLM, language="en", pattern="HH:mm zzzz")
        == "09:52 Central European Standard Time"
    )


def test_quoted_z_in_pattern_is_a_literal() -> None:
    published = datetime(2010, 1, 28, 9, 52, tzinfo=CET)
    assert (
        format_datetime(published, timezone=STOCKHOLM, language="en", pattern="HH:mm 'z''s zone' z")
        == "09:52 z's zone CET"
    )


def test_zone_without_abbreviation_keeps_babel_offset() -> None:
    moment = datetime(2024, 1, 28, 12, 0, tzinfo=UTC)
    assert (
        format_datetime(moment, timezone="America/Sao_Paulo", language="en", pattern="HH:mm z")
        == "09:00 -0300"
    )


def test_other_zones_get_their_abbreviation() -> None:
    moment = datetime(2010, 7, 1, 12, 0, tzinfo=UTC)
    assert (
        format_datetime(moment, timezone="America/New_York", language="sv", pattern="HH:mm z")
        == "08:00 EDT"
    )


def test_naive_datetime_is_refused() -> None:
    with pytest.raises(ValueError, match="no UTC offset"):
        format_datetime(datetime(2010, 1, 28, 9, 52), timezone=STOCKHOLM, language="sv")


def test_format_date() -> None:
    late = datetime(2010, 1, 28, 23, 30, tzinfo=UTC)  # already the 29th in Stockholm
    assert format_date(late, timezone=STOCKHOLM, locale="sv") == "29 januari 2010"
    assert format_date(late, timezone=STOCKHOLM, locale="en_GB", format="d MMM y") == "29 Jan 2010"


def test_us_dateline_date() -> None:
    published = datetime(2010, 1, 28, 9, 52, tzinfo=CET)
    assert us_dateline_date(published, timezone=STOCKHOLM) == "January 28, 2010"


def test_iso_local() -> None:
    moment = datetime(2010, 6, 1, 8, 0, tzinfo=UTC)
    assert iso_local(moment, STOCKHOLM) == "2010-06-01T10:00:00+02:00"
    assert iso_local(datetime(2010, 1, 28, 9, 52, tzinfo=CET), STOCKHOLM) == (
        "2010-01-28T09:52:00+01:00"
    )


# --------------------------------------------------------------------------- labels


EXPECTED_LABELS = {
    # language: press_release, more_information, press_contact, about, said
    "sv": ("Pressmeddelande", "För mer information", "Presskontakt", "Om {organisation}", "säger"),
    "nb": ("Pressemelding", "For mer informasjon", "Pressekontakt", "Om {organisation}", "sier"),
    "nn": ("Pressemelding", "For meir informasjon", "Pressekontakt", "Om {organisation}", "seier"),
    "da": (
        "Pressemeddelelse",
        "For yderligere information",
        "Pressekontakt",
        "Om {organisation}",
        "siger",
    ),
    "fi": ("Tiedote", "Lisätietoja", "Mediayhteydet", "{organisation} lyhyesti", "sanoo"),
    "is": (
        "Fréttatilkynning",
        "Nánari upplýsingar",
        "Tengiliður fyrir fjölmiðla",
        "Um {organisation}",
        "segir",
    ),
    "en": (
        "Press release",
        "For more information",
        "Press contact",
        "About {organisation}",
        "said",
    ),
    "de": (
        "Pressemitteilung",
        "Weitere Informationen",
        "Pressekontakt",
        "Über {organisation}",
        "sagt",
    ),
    "fr": (
        "Communiqué de presse",
        "Pour plus d’informations",
        "Contact presse",
        "À propos de {organisation}",
        "déclare",
    ),
    "es": (
        "Nota de prensa",
        "Más información",
        "Contacto de prensa",
        "Acerca de {organisation}",
        "dice",
    ),
    "nl": ("Persbericht", "Meer informatie", "Perscontact", "Over {organisation}", "zegt"),
}


@pytest.mark.parametrize("language", LANGUAGES)
def test_labels_load_for_each_language(language: str) -> None:
    labels = labels_for(language)
    press_release, more_information, press_contact, about, said = EXPECTED_LABELS[language]
    assert labels.language == language
    assert labels.press_release == press_release
    assert labels.more_information == more_information
    assert labels.press_contact == press_contact
    assert labels.about == about
    assert labels.said == said


def test_swedish_labels_in_full() -> None:
    assert labels_for("sv") == Labels(
        language="sv",
        press_release="Pressmeddelande",
        news="Nyhet",
        statement="Uttalande",
        invitation="Pressinbjudan",
        more_information="För mer information",
        press_contact="Presskontakt",
        about="Om {organisation}",
        phone="tel.",
        mobile="mobil",
        email="e-post",
        said="säger",
        embargo="Embargo: får publiceras tidigast {datetime}",
        for_immediate_release="FÖR OMEDELBAR PUBLICERING",
        photo="Foto",
        links="Länkar",
        page="Sida",
        page_of="av",
        contents="Innehåll",
        correction="Rättelse",
        correction_notice="Rättelse {date}: {note}",
        languages="Språk",
        also_in="Även på {language}: {headline}",
    )


def test_english_labels_in_full() -> None:
    assert labels_for("en") == Labels(
        language="en",
        press_release="Press release",
        news="News",
        statement="Statement",
        invitation="Media invitation",
        more_information="For more information",
        press_contact="Press contact",
        about="About {organisation}",
        phone="tel.",
        mobile="mobile",
        email="email",
        said="said",
        embargo="EMBARGOED UNTIL {datetime}",
        for_immediate_release="FOR IMMEDIATE RELEASE",
        photo="Photo",
        links="Links",
        page="Page",
        page_of="of",
        contents="Contents",
        correction="Correction",
        correction_notice="Correction {date}: {note}",
        languages="Languages",
        also_in="Also in {language}: {headline}",
    )


@pytest.mark.parametrize(
    ("tag", "used"),
    [
        ("sv-FI", "sv"),
        ("sv_FI", "sv"),
        ("SV", "sv"),
        ("nn-NO", "nn"),
        ("no", "nb"),
        ("nb-NO", "nb"),
        ("en-US", "en"),
        ("de-AT", "de"),
        ("xx", "en"),
        ("pt-BR", "en"),
    ],
)
def test_labels_fallback(tag: str, used: str) -> None:
    assert labels_for(tag).language == used


def test_labels_are_cached() -> None:
    assert labels_for("sv") is labels_for("sv")


@pytest.mark.parametrize(
    ("type_", "expected"),
    [
        ("press-release", "Pressmeddelande"),
        ("news", "Nyhet"),
        ("statement", "Uttalande"),
        ("invitation", "Pressinbjudan"),
    ],
)
def test_release_type(type_: str, expected: str) -> None:
    assert labels_for("sv").release_type(type_) == expected


def test_unknown_release_type() -> None:
    with pytest.raises(ValueError, match="unknown release type 'blog'"):
        labels_for("sv").release_type("blog")


def test_placeholders_filled() -> None:
    assert labels_for("sv").about_organisation("Regionförbundet") == "Om Regionförbundet"
    assert labels_for("fi").about_organisation("SKL") == "SKL lyhyesti"
    assert labels_for("en").embargo_until("Jan 28, 2010 09:00 CET") == (
        "EMBARGOED UNTIL Jan 28, 2010 09:00 CET"
    )


# --------------------------------------------------------------------------- fallbacks


@pytest.mark.parametrize(
    ("language", "default", "expected"),
    [
        ("nn", "sv", ["nn", "nb", "no", "sv"]),
        ("nn-NO", "sv", ["nn-NO", "nn", "nb", "no", "sv"]),
        ("nb", "sv", ["nb", "no", "sv"]),
        ("no", "sv", ["no", "nb", "sv"]),
        ("sv-FI", "fi", ["sv-FI", "sv", "fi"]),
        ("sv", "sv", ["sv"]),
        ("de-AT", "en", ["de-AT", "de", "en"]),
        ("en", "nn", ["en", "nn", "nb", "no"]),
        ("sv_fi", "EN", ["sv-FI", "sv", "en"]),
    ],
)
def test_language_fallbacks(language: str, default: str, expected: list[str]) -> None:
    assert language_fallbacks(language, default) == expected


@pytest.mark.parametrize(
    ("tag", "expected"),
    [("sv_fi", "sv-FI"), ("SR-latn-rs", "sr-Latn-RS"), ("es-419", "es-419"), ("EN", "en")],
)
def test_normalize_tag(tag: str, expected: str) -> None:
    assert normalize_tag(tag) == expected


def test_normalize_empty_tag() -> None:
    with pytest.raises(ValueError, match="empty language tag"):
        normalize_tag(" ")


# --------------------------------------------------------------------------- catalogs


def read_catalog(path: Path) -> Catalog:
    with path.open("rb") as handle:
        catalog: Catalog = read_po(handle)
    return catalog


def template_ids() -> set[str]:
    return {str(m.id) for m in read_catalog(LOCALE_DIR / "presser.pot") if m.id}


def test_available_languages() -> None:
    assert available_languages() == frozenset(LANGUAGES)


def test_pot_lists_exactly_the_messages_text_style_uses() -> None:
    extracted = {
        str(message)
        for _lineno, message, _comments, _context in extract_from_file(
            "python", text_style.__file__, keywords=DEFAULT_KEYWORDS
        )
    }
    assert extracted == set(MESSAGE_IDS)
    assert template_ids() == set(MESSAGE_IDS)


@pytest.mark.parametrize("language", LANGUAGES)
def test_catalog_is_complete(language: str) -> None:
    catalog = read_catalog(LOCALE_DIR / language / "LC_MESSAGES" / "presser.po")
    assert catalog.locale is not None and str(catalog.locale) == language
    messages = {str(m.id): m for m in catalog if m.id}
    assert set(messages) == template_ids()
    assert not catalog.obsolete
    for msgid, message in messages.items():
        assert isinstance(message.string, str) and message.string.strip(), msgid
        assert not message.fuzzy, msgid
        for placeholder in ("{organisation}", "{datetime}"):
            assert (placeholder in msgid) == (placeholder in message.string), msgid


def test_no_compiled_catalogs() -> None:
    assert not list(LOCALE_DIR.rglob("*.mo"))


def test_fuzzy_translation_falls_back_to_msgid() -> None:
    catalog = Catalog(locale="sv", domain="presser")
    catalog.add("Press release", "Pressmeddelande", flags=("fuzzy",))
    catalog.add("News", "")
    assert text_style._translate(catalog, "Press release") == "Press release"
    assert text_style._translate(catalog, "News") == "News"
    assert text_style._translate(catalog, "Photo") == "Photo"


def test_language_names_for_a_switch_and_for_running_text() -> None:
    from presser.render.text_style import language_autonym, language_name

    assert [language_autonym(tag) for tag in ("sv", "en", "fi", "nb")] == [
        "Svenska",
        "English",
        "Suomi",
        "Norsk bokmål",
    ]
    assert language_name("en", "sv") == "engelska"
    assert language_name("sv-FI", "en") == "Swedish"
    assert labels_for("sv").also_in_line("engelska", "{x} Rubrik") == "Även på engelska: {x} Rubrik"


def test_every_catalog_puts_the_headline_last_in_the_also_in_line() -> None:
    """The PDF marks the headline's language after the line's own words (also_in_prefix)."""
    for language in text_style.available_languages():
        labels = text_style.labels_for(language)
        assert labels.also_in.endswith("{headline}"), language
        prefix = labels.also_in_prefix("X")
        assert labels.also_in_line("X", "H") in (f"{prefix} H", f"{prefix}H"), language
