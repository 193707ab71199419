"""The questionnaire catalog: every item of one edition of the MSQ, as data.

An edition is one YAML file in ``reportgen/questionnaires/`` (``msq-2024.yaml``);
adding ``msq-2026.yaml`` adds an edition with no code change.
"""

from __future__ import annotations

import difflib
import re
from enum import StrEnum
from functools import cache

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from reportgen.errors import InputError
from reportgen.paths import questionnaire_folders

RESPONDENT_GROUP = "respondent"  # the contact items of the person who answered
COUNTRY_KEY = "country"  # the item that names the country (kept in a responses file's header)


class Kind(StrEnum):
    YES_NO = "yes_no"
    YES_NO_OTHER = "yes_no_other"
    SINGLE_CHOICE = "single_choice"
    MULTIPLE_CHOICE = "multiple_choice"
    TEXT = "text"  # free text, possibly with links in it
    LINKS = "links"  # one or more addresses, possibly with a few words
    CONTACT = "contact"  # one field of a contact person (see ``field``)
    CONSENT = "consent"


class Localized(BaseModel):
    """A string in English and in Spanish (both required)."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    en: str = Field(min_length=1)
    es: str = Field(min_length=1)

    def get(self, lang: str) -> str:
        return getattr(self, lang, None) or self.en


class Option(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    value: str  # stable key used in responses, e.g. "two_year"
    label: Localized


class Item(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    number: int = Field(ge=1)
    # The stable name templates and code use ("ethical_ai_law"): an edition
    # may renumber its items, the keys stay.
    key: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    section: str
    kind: Kind
    required: bool = False
    new: bool = False  # the [NEW] mark of the 2024 edition
    group: str | None = None
    follow_up_of: int | None = None  # "If yes, please provide link and detail"
    field: str | None = None  # for kind contact: name | title | organization | email
    options: list[Option] = Field(default_factory=list)
    label: Localized  # short label, e.g. "National portal"
    prompt: Localized  # the full question as printed in the questionnaire


class Section(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    id: str  # "contact", "A" .. "G"
    title: Localized


class Group(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    id: str
    title: Localized
    items: list[int]


class Questionnaire(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    id: str
    edition: int
    title: Localized
    sections: list[Section]
    groups: list[Group]
    items: list[Item]

    @model_validator(mode="after")
    def _check_integrity(self) -> Questionnaire:
        numbers = [item.number for item in self.items]
        if numbers != list(range(1, len(numbers) + 1)):
            raise ValueError("items must be numbered 1..N in order without gaps")
        section_ids = {s.id for s in self.sections}
        group_ids = {g.id for g in self.groups}
        by_number = {item.number: item for item in self.items}
        for item in self.items:
            if item.section not in section_ids:
                raise ValueError(f"Q{item.number}: unknown section {item.section!r}")
            if item.group is not None and item.group not in group_ids:
                raise ValueError(f"Q{item.number}: unknown group {item.group!r}")
            if item.follow_up_of is not None:
                parent = by_number.get(item.follow_up_of)
                if parent is None or parent.number >= item.number:
                    raise ValueError(f"Q{item.number}: follow-up of unknown or later item")
                if parent.kind not in (Kind.YES_NO, Kind.YES_NO_OTHER):
                    raise ValueError(f"Q{item.number}: follow-up of a non yes/no item")
            choice = item.kind in (Kind.SINGLE_CHOICE, Kind.MULTIPLE_CHOICE)
            if choice != bool(item.options):
                raise ValueError(f"Q{item.number}: options belong to choice items only")
            if (item.kind == Kind.CONTACT) != (item.field is not None):
                raise ValueError(f"Q{item.number}: a contact item needs a field, others none")
        keys = [item.key for item in self.items]
        repeated = sorted({key for key in keys if keys.count(key) > 1})
        if repeated:
            raise ValueError(f"item keys must be unique: {', '.join(repeated)}")
        if COUNTRY_KEY not in keys:
            raise ValueError(f"no item has the key {COUNTRY_KEY!r} (the country's name)")
        for group in self.groups:
            for number in group.items:
                if by_number.get(number) is None or by_number[number].group != group.id:
                    raise ValueError(f"group {group.id}: Q{number} does not name the group")
        return self

    def item(self, number: int) -> Item:
        return self.items[number - 1]

    def by_key(self, key: str) -> Item | None:
        return next((item for item in self.items if item.key == key), None)

    def nearest_keys(self, key: str) -> list[str]:
        """Valid keys that look like a mistyped one, for error messages."""
        return difflib.get_close_matches(key, [item.key for item in self.items], n=3, cutoff=0.6)

    def has_item(self, number: int) -> bool:
        return 1 <= number <= len(self.items)

    @property
    def consent_item(self) -> int | None:
        return next((item.number for item in self.items if item.kind == Kind.CONSENT), None)

    def header_items(self) -> set[int]:
        """Items a responses file keeps in its header, not under ``answers``:
        the first (the country), the respondent's contact items, the consent."""
        country = next(item.number for item in self.items if item.key == COUNTRY_KEY)
        numbers = {country} | {item.number for item in self.items if item.group == RESPONDENT_GROUP}
        return numbers | ({self.consent_item} if self.consent_item else set())

    def follow_ups(self, number: int) -> list[Item]:
        return [item for item in self.items if item.follow_up_of == number]

    def section(self, section_id: str) -> Section:
        return next(s for s in self.sections if s.id == section_id)

    def group(self, group_id: str) -> Group:
        return next(g for g in self.groups if g.id == group_id)

    def section_items(self, section_id: str) -> list[Item]:
        return [item for item in self.items if item.section == section_id]




def available() -> list[str]:
    """The ids of the editions a build can use."""
    return sorted({p.name.removesuffix(".yaml") for folder in questionnaire_folders() for p in folder.iterdir()
                   if p.name.endswith(".yaml")})


def load(questionnaire_id: str) -> Questionnaire:
    """Load and validate one edition; an unknown id or a broken file is an InputError."""
    if re.fullmatch(r"[a-z0-9][a-z0-9-]*", questionnaire_id):
        for folder in questionnaire_folders():
            resource = folder / f"{questionnaire_id}.yaml"
            if resource.is_file():
                return _load(resource.read_text(encoding="utf-8"), resource.name)
    known = ", ".join(available()) or "none"
    raise InputError(f"{questionnaire_id}.yaml", 1, f"unknown questionnaire {questionnaire_id!r} (known: {known})")


@cache
def _load(text: str, name: str) -> Questionnaire:
    """Parse one edition once per content (the key is the file's text)."""
    # libyaml's parser where PyYAML has it: the edition is read on every run,
    # a no-op rebuild included, and the pure-Python parser took 0.1 s of it.
    data = yaml.load(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
    try:
        return Questionnaire.model_validate(data)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"])
        raise InputError(name, 1, f"invalid catalog at {where}: {first['msg']}") from None
