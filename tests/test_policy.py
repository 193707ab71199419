"""The publication rules (policy.py), each on its own."""

from __future__ import annotations

import pytest

from reportgen.errors import PublicationError
from reportgen.policy import Policy


def test_final_is_always_strict() -> None:
    assert Policy.of("final") == Policy("final", strict=True, internal=False)
    assert Policy.of("draft") == Policy("draft", strict=False, internal=False)
    assert Policy.of("anything else", strict=True).status == "draft"


def test_without_consent_only_an_internal_copy() -> None:
    Policy.of("draft", internal=True).require_consent("PRY", consents=False)
    Policy.of("final").require_consent("PRY", consents=True)
    with pytest.raises(PublicationError, match="PRY: consent to publish is not Yes; build with --internal"):
        Policy.of("final").require_consent("PRY", consents=False)


def test_strict_refuses_any_warning_in_one_line() -> None:
    Policy.of("draft").refuse_warnings(["es: 2 template strings untranslated"])
    Policy.of("final").refuse_warnings([])
    with pytest.raises(PublicationError, match=r"^es: a; es: b \(--strict\)$"):
        Policy.of("final").refuse_warnings(["es: a", "es: b"])
