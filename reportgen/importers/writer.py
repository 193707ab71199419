"""Writing imported responses: YAML a reviewer edits, written atomically.

Any importer's ``Responses`` is written the same way: block style, long or
multi-line text as ``|`` blocks, only the keys the importer set (no
defaults spelled out), an answer's keys in reading order (the Government's
value and words first, the reviewer's flags last), and a header comment
naming the export. The file is written atomically (reportgen.files), so a
failure never leaves half a file behind.
"""

from __future__ import annotations

import re
import unicodedata
from decimal import Decimal
from pathlib import Path
from typing import Any

import yaml

from reportgen.errors import ConfigError
from reportgen.files import write_atomic
from reportgen.responses import Responses

# An answer's keys as a reviewer reads them: the value and what decided it,
# then the Government's text and sources, then what structures or flags them.
ANSWER_ORDER = ("value", "inferred", "reviewed", "instrument", "text", "summary", "sources", "period",
                "budget", "flags")


class _Dumper(yaml.SafeDumper):
    """Block style with indented lists and long or multi-line text as ``|`` blocks."""

    def increase_indent(self, flow: bool = False, indentless: bool = False) -> None:
        return super().increase_indent(flow, False)


def _represent_str(dumper: yaml.SafeDumper, value: str) -> yaml.ScalarNode:
    literal = "\n" in value or (len(value) > 120 and " " in value)
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style="|" if literal else None)


def _represent_decimal(dumper: yaml.SafeDumper, value: Decimal) -> yaml.ScalarNode:
    """Amounts as written (``1250000.50``), never through a float."""
    return dumper.represent_scalar("tag:yaml.org,2002:float" if "." in str(value) else "tag:yaml.org,2002:int",
                                   str(value))


_Dumper.add_representer(str, _represent_str)
_Dumper.add_representer(Decimal, _represent_decimal)


def document(responses: Responses) -> dict[str, Any]:
    """The responses as the plain mapping written to YAML (and merged by
    ``import --merge``): the keys an importer set, answers in ``ANSWER_ORDER``."""
    data = responses.model_dump(mode="python", exclude_unset=True)
    data["answers"] = {number: _ordered(answer) for number, answer in data.get("answers", {}).items()}
    return data


def _ordered(answer: dict[str, Any] | None) -> dict[str, Any] | None:
    if answer is None:
        return None
    rank = {key: index for index, key in enumerate(ANSWER_ORDER)}
    return dict(sorted(answer.items(), key=lambda pair: rank.get(pair[0], len(rank))))


def render_yaml(responses: Responses, source: Path) -> str:
    """The responses YAML of an import, with a header comment naming the export."""
    header = f"# Imported from {safe_file_name(source)} by `reportgen import`: resolve the flags, " \
             "then run `reportgen check`.\n"
    return header + yaml.dump(document(responses), Dumper=_Dumper, sort_keys=False, default_flow_style=False,
                              allow_unicode=True, width=100)


def refuse_existing(output: Path, force: bool) -> None:
    """An existing responses file is a reviewer's work: never overwritten unasked."""
    if output.exists() and not force:
        raise ConfigError(f"{output}: already exists; --force overwrites it, --merge {output} "
                          "takes the new export into it keeping the review")


def write_responses(responses: Responses, output: Path, source: Path, force: bool = False) -> None:
    """Write ``responses`` imported from ``source`` to ``output``, atomically."""
    refuse_existing(output, force)
    write_atomic(output, render_yaml(responses, source).encode("utf-8"))


def safe_file_name(path: Path) -> str:
    """A file name fit for a one-line comment: the name is data, so anything
    but plain printable characters (line breaks, controls, U+2028, bidi
    controls) is escaped, and the whole is quoted when it had to be."""
    name = path.name
    escaped = "".join(c if c.isprintable() and unicodedata.category(c) not in ("Cf", "Zl", "Zp") else
                      f"\\u{ord(c):04x}" for c in name)
    if escaped == name and re.fullmatch(r"[\w.,()+@=-]+(?: [\w.,()+@=-]+)*", name):
        return name
    return '"' + escaped.replace('"', '\\"') + '"'
