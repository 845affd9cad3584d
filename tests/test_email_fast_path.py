"""The e-mail fast path (presser.source.model): only what email-validator accepts, without it.

A plain address is accepted without importing email-validator (its import costs
as much as checking the rest of a release); everything else goes to it. So the
fast path must never accept an address email-validator refuses: checked here
against the installed email-validator, on generated addresses and on the edges
its rules draw (lengths, special-use names, ``--`` labels, case).
"""

from __future__ import annotations

import email_validator
import pytest
from email_validator import EmailNotValidError, validate_email
from hypothesis import given, settings
from hypothesis import strategies as st

from presser.source.fields import _PLAIN_EMAIL, _SPECIAL_USE_DOMAINS, _plainly_valid_email


def _accepted(address: str) -> bool:
    try:
        validate_email(address, check_deliverability=False)
    except EmailNotValidError:
        return False
    return True


@settings(max_examples=200, deadline=None)
@given(st.from_regex(_PLAIN_EMAIL, fullmatch=True))
def test_every_plain_address_is_one_email_validator_accepts(address: str) -> None:
    if _plainly_valid_email(address):
        assert _accepted(address), address


_LABEL = st.text("abcxnZ09-", min_size=1, max_size=66)
_LOCAL = st.text("ab.Z9_+-~!#", min_size=1, max_size=70)


@settings(max_examples=600, deadline=None)
@given(_LOCAL, st.lists(_LABEL, min_size=1, max_size=5), st.sampled_from(["se", "com", "x"]))
def test_near_misses_are_left_to_email_validator(local: str, labels: list[str], top: str) -> None:
    # Dots, hyphens and lengths at and around the limits, built to reach the edges.
    address = f"{local}@{'.'.join([*labels, top])}"
    if _plainly_valid_email(address):
        assert _accepted(address), address


@pytest.mark.parametrize(
    "address",
    [
        "anna.berg@exempel.se",
        "Anna.Berg+press@Exempel.SE",
        "a" * 64 + "@exempel.se",
        "a" * 80 + "@exempel.se",  # a local part over 64 passes when not strict
        "a@" + "b" * 63 + ".se",
        "a@" + ".".join(["b" * 63] * 3) + "." + "c" * 60,  # 254 in all, the longest domain
        "a" * 51 + "@" + ".".join(["b" * 63] * 3) + "." + "c" * 10,  # 254 in all
        "a@ab-cd.se",
        "-a-@x.se",
        "info@exempel.se",  # lower-cased by email-validator, still accepted
    ],
)
def test_the_edges_it_accepts(address: str) -> None:
    assert _plainly_valid_email(address), address
    assert _accepted(address), address


@pytest.mark.parametrize(
    "address",
    [
        "anna@exempel.test",
        "anna@exempel.TEST",
        "anna@x.localhost",
        "anna@xn--bcher-kva.se",  # Punycode: email-validator decodes and checks it
        "anna@ab--cd.se",  # a reserved label (R-LDH)
        "a@" + "b" * 64 + ".se",  # a label over 63
        "a@" + ".".join(["b" * 63] * 3) + "." + "c" * 61,  # 255 in all
        "a" * 52 + "@" + ".".join(["b" * 63] * 3) + "." + "c" * 10,  # 255 in all
        "anna..berg@exempel.se",
        "anna@exempel.s3",
        "anna@exempel",
        "anna@bücher.se",  # valid, but for email-validator to say
        "Anna <anna@exempel.se>",
        '"anna"@exempel.se',
        "anna@[127.0.0.1]",
    ],
)
def test_anything_else_goes_to_email_validator(address: str) -> None:
    assert not _plainly_valid_email(address), address


def test_the_rules_it_relies_on_are_email_validators() -> None:
    # Every special-use name (and so every name under it) is refused by the fast path's
    # check of the last label, whatever email-validator adds to its list.
    special = {name.rpartition(".")[2] for name in email_validator.SPECIAL_USE_DOMAIN_NAMES}
    assert special <= _SPECIAL_USE_DOMAINS
    # The defaults presser validates with: a strict mode would limit the local part to 64,
    # a test environment would allow @test.
    assert email_validator.STRICT is False
    assert email_validator.TEST_ENVIRONMENT is False
    assert email_validator.GLOBALLY_DELIVERABLE is True
