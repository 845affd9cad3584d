"""The words of a new draft, in each language with its own: placeholders to write over.

``presser new`` writes them into a new release; the linter's leftover rules
(P) find any still there, so they live here, below both.
"""

from __future__ import annotations

#: The sample text of a new draft, per language; English for any other.
#: The linter treats these sentences as leftovers that must be replaced.
DRAFT_TEXT = {
    "sv": {
        "headline": "Skriv rubriken här",
        "lead": "Skriv ingressen här: vad har hänt, för vem och varför det spelar roll.",
        "body": "Skriv brödtexten här.",
        "quote": "Skriv citatet här.",
        "speaker": "Förnamn Efternamn",
        "role": "titel",
    },
    "en": {
        "headline": "Write the headline here",
        "lead": "Write the lead here: what happened, to whom, and why it matters.",
        "body": "Write the body here.",
        "quote": "Write the quote here.",
        "speaker": "First Last",
        "role": "title",
    },
}
