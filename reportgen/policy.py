"""What may be published, decided in one place.

- Consent: a country that has not consented to publication (Q126) is built
  only as an internal copy, every page marked "Not for publication".
- Final implies strict: a Final profile never carries review flags, an
  unknown date or text shown in English for want of a translation.
- Strict: those warnings refuse the document instead of being reported.

The command line, the build, the narrative and the preview all ask a Policy;
none of them re-states a rule.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

from reportgen.errors import PublicationError

Status = Literal["draft", "final"]


@dataclass(frozen=True)
class Policy:
    status: Status = "draft"
    strict: bool = False
    internal: bool = False

    @classmethod
    def of(cls, status: str = "draft", strict: bool = False, internal: bool = False) -> Policy:
        """The policy for these options; Final is always strict."""
        final = status == "final"
        return cls("final" if final else "draft", strict or final, internal)

    @property
    def final(self) -> bool:
        return self.status == "final"

    def require_consent(self, country: str, consents: bool) -> None:
        if not consents and not self.internal:
            raise PublicationError(f"{country}: consent to publish is not Yes; "
                                   "build with --internal for a copy marked 'Not for publication'")

    def refuse_warnings(self, warnings: Sequence[str]) -> None:
        """Under strict, any warning refuses the document (one line, all of them)."""
        if warnings and self.strict:
            raise PublicationError("; ".join(warnings) + " (--strict)")
