"""The per-language cache of compiled templates (templating.compiled_templates)."""

from __future__ import annotations

from pathlib import Path

import jinja2

from reportgen import templating
from reportgen.limits import Limits


def _env(folder: Path, lang: str, cache: templating.LanguageBytecodeCache) -> jinja2.Environment:
    env = templating.LimitedSandbox(limits=Limits(), loader=jinja2.FileSystemLoader(folder), bytecode_cache=cache)
    # A filter with a constant argument is folded into the compiled code, as
    # currency_name is: the cache must never hand one language's code to another.
    env.filters["greet"] = {"en": lambda name: f"Hello {name}", "es": lambda name: f"Hola {name}"}[lang]
    return env


def test_a_second_environment_of_the_language_reuses_the_compiled_code(tmp_path: Path, monkeypatch) -> None:
    (tmp_path / "t.j2").write_text('{{ "world"|greet }}', encoding="utf-8")
    cache = templating.LanguageBytecodeCache("en")
    assert _env(tmp_path, "en", cache).get_template("t.j2").render() == "Hello world"
    compiled: list[str] = []
    original = jinja2.Environment.compile

    def counting(self, *args, **kwargs):
        compiled.append(str(args[1] if len(args) > 1 else kwargs.get("name")))
        return original(self, *args, **kwargs)

    monkeypatch.setattr(jinja2.Environment, "compile", counting)
    assert _env(tmp_path, "en", cache).get_template("t.j2").render() == "Hello world"
    assert compiled == []


def test_languages_never_share_compiled_code(tmp_path: Path) -> None:
    (tmp_path / "t.j2").write_text('{{ "mundo"|greet }}', encoding="utf-8")
    assert _env(tmp_path, "en", templating.compiled_templates("en")).get_template("t.j2").render() == "Hello mundo"
    assert _env(tmp_path, "es", templating.compiled_templates("es")).get_template("t.j2").render() == "Hola mundo"
    assert templating.compiled_templates("es") is templating.compiled_templates("es")


def test_an_edited_template_is_compiled_again(tmp_path: Path) -> None:
    template = tmp_path / "t.j2"
    template.write_text('{{ "a"|greet }}', encoding="utf-8")
    cache = templating.LanguageBytecodeCache("en")
    assert _env(tmp_path, "en", cache).get_template("t.j2").render() == "Hello a"
    template.write_text('{{ "b"|greet }}', encoding="utf-8")
    assert _env(tmp_path, "en", cache).get_template("t.j2").render() == "Hello b"
