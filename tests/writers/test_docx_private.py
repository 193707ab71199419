"""python-docx's private attributes are reached in one module only, the oxml layer."""

from __future__ import annotations

import re
from pathlib import Path

import reportgen

PACKAGE = Path(reportgen.__file__).parent
OXML = PACKAGE / "writers" / "docx" / "oxml.py"
# The proxies' elements (paragraph._p, run._r, story._element, section._sectPr,
# table._tbl, row._tr, shape._inline) and a part's bytes (part._blob).
PRIVATE = re.compile(r"\._(p|r|element|sectPr|tbl|tr|inline|blob)\b")


def private_uses(path: Path) -> list[str]:
    return [f"{path.relative_to(PACKAGE.parent)}:{number}: {line.strip()}"
            for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1)
            if PRIVATE.search(line)]


def test_no_private_python_docx_attribute_outside_oxml() -> None:
    found = [use for path in sorted(PACKAGE.rglob("*.py")) if path != OXML for use in private_uses(path)]
    assert found == []


def test_the_pattern_finds_what_oxml_reaches() -> None:
    """The grep above is not vacuous: it sees each accessor of oxml.py."""
    found = "\n".join(private_uses(OXML))
    for attribute in ("._p", "._r", "._element", "._sectPr"):
        assert re.search(re.escape(attribute) + r"\b", found), attribute
