"""Small responses files for tests, built from the real catalog."""

from __future__ import annotations

from reportgen.questionnaire import load

HEADER = """country: PRY
questionnaire: msq-2024
submitted: null
respondent:
  name: Test Person
  email: test@example.org
consent: yes
answers:
"""


def minimal_yaml(extra_answers: str = "", drop: set[int] | frozenset[int] = frozenset()) -> str:
    """A valid file in which every required item is acknowledged as empty
    (``N: null``), except those in ``drop``; ``extra_answers`` is appended
    verbatim (indented two spaces, under ``answers:``)."""
    catalog = load("msq-2024")
    outside = catalog.header_items()
    lines = [f"  {item.number}: null" for item in catalog.items
             if item.required and item.number not in outside and item.number not in drop]
    return HEADER + "\n".join(lines) + "\n" + extra_answers
