"""reportgen uses no private attribute of CPython's standard library or of
WeasyPrint: their ``_names`` can change in any release (issue 14).

The scan reads the source with ``ast`` (a grep would flag our own privates): an
attribute access ``x._name`` is flagged unless ``x`` is ``self`` or ``cls``,
``_name`` is a dunder, or ``_name`` is defined somewhere in reportgen/ (a
function, class, module variable, import alias or attribute we assign), which
makes it ours. python-docx's privates (``._p``, ``._element``...) are allowed only
in the oxml layer.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "reportgen"

# python-docx has no public API for the raw XML of paragraphs, runs and cells:
# reportgen/writers/docx/oxml.py is the one module where that access lives.
# These names are flagged outside the layer even where reportgen has a private
# of the same name (oxml.py's own ``_element`` helper).
DOCX_PRIVATE = {"_p", "_r", "_element", "_tbl", "_tc", "_tr", "_body", "_parent", "_document_part",
                "_sectPr", "_styles_part", "_numbering_part", "_settings_part", "_part", "_hyperlink",
                "_inline", "_blob"}
DOCX_LAYER = {"writers/docx/oxml.py"}

# Underscore names that are documented public API.
DOCUMENTED = {
    "os._exit",  # https://docs.python.org/3/library/os.html#os._exit
    "etree._Element",  # lxml's element class, documented for isinstance checks and typing
    "etree._ElementTree",
}


def _modules(root: Path) -> dict[str, ast.Module]:
    return {str(path.relative_to(root)): ast.parse(path.read_text(encoding="utf-8"), str(path))
            for path in sorted(root.rglob("*.py"))}


def _defined(tree: ast.AST) -> set[str]:
    """Names a module defines: defs, classes, assigned names and attributes,
    parameters, import aliases."""
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
            names.add(node.name)
        elif isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store):
            names.add(node.id)
        elif isinstance(node, ast.Attribute) and isinstance(node.ctx, ast.Store):
            names.add(node.attr)
        elif isinstance(node, ast.arg):
            names.add(node.arg)
        elif isinstance(node, ast.alias):
            names.add((node.asname or node.name).split(".")[0])
    return names


def private_accesses(root: Path) -> list[str]:
    """``file:line: x._name`` for every private attribute that is not ours."""
    modules = _modules(root)
    ours = set().union(*(_defined(tree) for tree in modules.values()))
    found: list[str] = []
    for name, tree in modules.items():
        for node in ast.walk(tree):
            if not isinstance(node, ast.Attribute):
                continue
            attr = node.attr
            if not attr.startswith("_") or (attr.startswith("__") and attr.endswith("__")):
                continue
            if isinstance(node.value, ast.Name) and node.value.id in ("self", "cls"):
                continue
            if ast.unparse(node) in DOCUMENTED:
                continue
            if attr in DOCX_PRIVATE:
                if name in DOCX_LAYER:
                    continue
            elif attr in ours:
                continue
            found.append(f"reportgen/{name}:{node.lineno}: {ast.unparse(node)}")
    return found


def test_no_private_attribute_of_the_standard_library_or_weasyprint() -> None:
    assert private_accesses(PACKAGE) == []


@pytest.mark.parametrize(("source", "flagged"), [
    ("def boxes(page):\n    return page._page_box.children\n", ["page._page_box"]),
    ("import concurrent.futures as cf\ncf.ProcessPoolExecutor()._adjust_process_count()\n",
     ["cf.ProcessPoolExecutor()._adjust_process_count"]),
    ("def run(paragraph):\n    return paragraph._p\n", ["paragraph._p"]),  # python-docx, outside oxml.py
    ("def _element():\n    pass\ndef story(s):\n    return s._element\n", ["s._element"]),  # not ours here
    ("import os\nfrom lxml import etree\nos._exit(1)\nx: etree._Element\n", []),  # documented
    ("_CACHE = {}\nclass A:\n    def __init__(self):\n        self._seen = 1\n"
     "def f(a, other):\n    return other._seen, a.__class__, sys._CACHE\n", []),  # ours, dunders
])
def test_the_scan_flags_what_it_should(tmp_path: Path, source: str, flagged: list[str]) -> None:
    (tmp_path / "module.py").write_text(source, encoding="utf-8")
    assert [line.split(": ", 1)[1] for line in private_accesses(tmp_path)] == flagged
    assert all(line.startswith("reportgen/module.py:") for line in private_accesses(tmp_path))
