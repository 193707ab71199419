"""The questionnaire catalog: the 2024 MSQ edition as data, and the integrity checks."""

from __future__ import annotations

import copy
from importlib import resources

import pytest
import yaml
from pydantic import ValidationError

from reportgen.errors import InputError
from reportgen.questionnaire import Kind, Questionnaire, available, load


@pytest.fixture(scope="module")
def msq():
    return load("msq-2024")


@pytest.fixture
def raw() -> dict:
    """The edition file as plain data, for building broken copies in memory."""
    text = (resources.files("reportgen") / "questionnaires" / "msq-2024.yaml").read_text(encoding="utf-8")
    return copy.deepcopy(yaml.safe_load(text))


# ------------------------------------------------------------------ shape


def test_edition_header(msq):
    assert msq.id == "msq-2024"
    assert msq.edition == 2024
    assert "2024" in msq.title.en
    assert msq.title.es != msq.title.en


def test_items_numbered_1_to_126(msq):
    assert [item.number for item in msq.items] == list(range(1, 127))
    assert msq.item(126).number == 126
    assert msq.has_item(126)
    assert not msq.has_item(127)
    assert not msq.has_item(0)


def test_sections_in_order(msq):
    assert [s.id for s in msq.sections] == ["contact", "A", "B", "C", "D", "E", "F", "G"]
    assert msq.section("E").title.en == "Digital Inclusion and E-Participation"
    assert msq.section("C").title.es == "Marco jurídico"


SECTION_RANGES = {
    "contact": range(1, 7),
    "A": range(7, 33),
    "B": range(33, 37),
    "C": range(37, 59),
    "D": range(59, 100),
    "E": range(100, 117),
    "F": range(117, 123),
    "G": range(123, 127),
}


@pytest.mark.parametrize("section_id", list(SECTION_RANGES))
def test_section_ranges(msq, section_id):
    numbers = [item.number for item in msq.section_items(section_id)]
    assert numbers == list(SECTION_RANGES[section_id])


@pytest.mark.parametrize(
    ("number", "section_id"),
    [
        (1, "contact"),
        (6, "contact"),
        (7, "A"),
        (32, "A"),
        (33, "B"),
        (36, "B"),
        (37, "C"),
        (58, "C"),
        (59, "D"),
        (99, "D"),
        (100, "E"),
        (116, "E"),
        (117, "F"),
        (122, "F"),
        (123, "G"),
        (126, "G"),
    ],
)
def test_section_boundaries(msq, number, section_id):
    assert msq.item(number).section == section_id


# ------------------------------------------------------------------ kinds


def test_kinds_of_known_items(msq):
    expected = {
        1: Kind.TEXT,
        2: Kind.CONTACT,
        6: Kind.MULTIPLE_CHOICE,
        7: Kind.LINKS,
        8: Kind.LINKS,
        13: Kind.TEXT,
        14: Kind.YES_NO,
        15: Kind.CONTACT,
        20: Kind.TEXT,
        21: Kind.LINKS,
        32: Kind.LINKS,
        33: Kind.YES_NO_OTHER,
        37: Kind.YES_NO,
        38: Kind.TEXT,
        60: Kind.SINGLE_CHOICE,
        81: Kind.YES_NO,
        85: Kind.TEXT,
        119: Kind.YES_NO,
        122: Kind.YES_NO,
        123: Kind.TEXT,
        125: Kind.TEXT,
        126: Kind.CONSENT,
    }
    assert {n: msq.item(n).kind for n in expected} == expected


def test_only_the_last_item_is_consent(msq):
    assert [item.number for item in msq.items if item.kind == Kind.CONSENT] == [126]


def test_choice_options(msq):
    assert [o.value for o in msq.item(60).options] == [
        "two_year",
        "three_year",
        "five_year",
        "ten_year",
        "other",
    ]
    assert [o.value for o in msq.item(6).options] == [
        "authorized_knowledgeable",
        "group_of_agencies",
        "authorized_partial_information",
        "own_opinion",
        "other",
    ]
    for number in (6, 60):
        for option in msq.item(number).options:
            assert option.label.en and option.label.es
    assert all(not item.options for item in msq.items if item.number not in (6, 60))


def test_contact_fields(msq):
    fields = ["name", "title", "organization", "email"]
    assert [msq.item(n).field for n in (2, 3, 4, 5)] == fields
    assert [msq.item(n).field for n in (15, 16, 17, 18)] == fields
    assert [item.number for item in msq.items if item.kind == Kind.CONTACT] == [2, 3, 4, 5, 15, 16, 17, 18]


# -------------------------------------------------------------- follow-ups


def test_every_follow_up_points_at_an_earlier_yes_no_item(msq):
    follow_ups = [item for item in msq.items if item.follow_up_of is not None]
    assert len(follow_ups) >= 35
    for item in follow_ups:
        parent = msq.item(item.follow_up_of)
        assert parent.number < item.number, item.number
        assert parent.kind in (Kind.YES_NO, Kind.YES_NO_OTHER), item.number
        assert item.kind == Kind.TEXT, item.number
        assert parent.section == item.section, item.number


@pytest.mark.parametrize(
    ("follow_up", "parent"),
    [
        (20, 19),
        (34, 33),
        (36, 35),
        (38, 37),
        (58, 57),
        (62, 61),
        (64, 63),
        (66, 65),
        (84, 83),
        (93, 92),
        (95, 94),
        (97, 96),
        (99, 98),
        (101, 100),
        (113, 112),
        (114, 112),
        (116, 115),
        (118, 117),
        (121, 120),
    ],
)
def test_known_follow_ups(msq, follow_up, parent):
    assert msq.item(follow_up).follow_up_of == parent
    assert msq.item(follow_up) in msq.follow_ups(parent)


@pytest.mark.parametrize("number", [1, 7, 13, 60, 85, 91, 119, 122, 123, 124, 125, 126])
def test_not_follow_ups(msq, number):
    assert msq.item(number).follow_up_of is None


def test_yes_no_items_without_follow_up(msq):
    yes_no = [item for item in msq.items if item.kind == Kind.YES_NO]
    lonely = [item.number for item in yes_no if not msq.follow_ups(item.number)]
    assert lonely == [14, 59, 119, 122]


# ------------------------------------------------------------------ groups


GROUPS = {
    "respondent": [2, 3, 4, 5],
    "portals": [8, 9, 10, 11, 12],
    "national_cio": [15, 16, 17, 18],
    "ministries": list(range(21, 33)),
    "emerging_technologies": list(range(85, 92)),
}


def test_groups(msq):
    assert {g.id: g.items for g in msq.groups} == GROUPS
    for group_id, numbers in GROUPS.items():
        assert [item.number for item in msq.items if item.group == group_id] == numbers
        title = msq.group(group_id).title
        assert title.en and title.es and title.es != title.en


def test_ungrouped_items(msq):
    grouped = {n for numbers in GROUPS.values() for n in numbers}
    assert all(item.group is None for item in msq.items if item.number not in grouped)


def test_emerging_technologies_are_text_not_follow_ups(msq):
    for number in GROUPS["emerging_technologies"]:
        item = msq.item(number)
        assert item.kind == Kind.TEXT
        assert item.follow_up_of is None


def test_ministries_and_portals_are_links(msq):
    for number in GROUPS["ministries"] + GROUPS["portals"]:
        assert msq.item(number).kind == Kind.LINKS


# ------------------------------------------------------------ labels, text


def test_labels_and_prompts_present_in_both_languages(msq):
    for item in msq.items:
        for text in (item.label, item.prompt):
            assert text.en.strip() and text.es.strip(), item.number
            assert text.en == text.en.strip() and text.es == text.es.strip(), item.number


def test_spanish_differs_from_english_for_most_items(msq):
    labels = sum(item.label.es != item.label.en for item in msq.items)
    prompts = sum(item.prompt.es != item.prompt.en for item in msq.items)
    assert labels / len(msq.items) > 0.9
    assert prompts / len(msq.items) > 0.9


def test_prompts_carry_no_form_marks(msq):
    for item in msq.items:
        for text in (item.prompt.en, item.prompt.es, item.label.en, item.label.es):
            assert "*" not in text, item.number
            assert "[NEW" not in text, item.number
            assert "**" not in text, item.number


def test_labels_are_short(msq):
    for item in msq.items:
        assert len(item.label.en.split()) <= 8, item.number
        assert len(item.label.es.split()) <= 9, item.number


def test_labels_are_unique(msq):
    labels = [item.label.en for item in msq.items]
    duplicates = {label for label in labels if labels.count(label) > 1}
    assert not duplicates


def test_known_labels(msq):
    assert msq.item(7).label.en == "National portal"
    assert msq.item(7).label.es == "Portal nacional"
    assert msq.item(37).label.en == "Access to information"
    assert msq.item(37).label.es == "Acceso a la información"


def test_spanish_terminology(msq):
    assert "gobierno electrónico" in msq.item(7).prompt.es
    assert "participación electrónica" in msq.item(102).prompt.es
    assert "datos abiertos de gobierno" in msq.item(53).prompt.es
    assert "Estados Miembros" in msq.title.es


def test_prompts_are_printed_text(msq):
    assert msq.item(59).prompt.en == "Is there a national e-government strategy or equivalent?"
    assert msq.item(38).prompt.en == "If yes, please provide link and detail."
    assert msq.item(6).prompt.en == "Please select whichever applies"
    assert msq.item(57).prompt.en.startswith("Is there any legislation, law or regulation on the ethical")


# ------------------------------------------------------------- marks


@pytest.mark.parametrize("number", [30, 31, 33, 35, 36, 57, 61, 79, 81, 83, 90, 98, 123, 124, 125])
def test_new_marks(msq, number):
    assert msq.item(number).new


def test_new_marks_exactly(msq):
    assert [item.number for item in msq.items if item.new] == [
        30,
        31,
        33,
        35,
        36,
        57,
        61,
        79,
        81,
        83,
        90,
        98,
        123,
        124,
        125,
    ]


@pytest.mark.parametrize("number", [1, 2, 6, 7, 8, 9, 13, 14, 21, 32, 33, 34, 37, 59, 60, 61, 119, 123, 126])
def test_required_marks(msq, number):
    assert msq.item(number).required


@pytest.mark.parametrize("number", [10, 11, 12, 20, 38, 57, 58, 79, 81, 85, 91, 99, 114])
def test_not_required(msq, number):
    assert not msq.item(number).required


# -------------------------------------------------------- broken catalogs


def test_the_raw_data_validates(raw):
    assert Questionnaire.model_validate(raw).id == "msq-2024"


def test_follow_up_of_missing_item_is_rejected(raw):
    raw["items"][37]["follow_up_of"] = 999  # Q38
    with pytest.raises(ValidationError, match="Q38: follow-up of unknown or later item"):
        Questionnaire.model_validate(raw)


def test_follow_up_of_later_item_is_rejected(raw):
    raw["items"][37]["follow_up_of"] = 39
    with pytest.raises(ValidationError, match="Q38: follow-up of unknown or later item"):
        Questionnaire.model_validate(raw)


def test_follow_up_of_non_yes_no_item_is_rejected(raw):
    raw["items"][37]["follow_up_of"] = 7  # a links item
    with pytest.raises(ValidationError, match="Q38: follow-up of a non yes/no item"):
        Questionnaire.model_validate(raw)


def test_duplicate_numbers_are_rejected(raw):
    raw["items"][10]["number"] = 10
    with pytest.raises(ValidationError, match=r"numbered 1\.\.N in order without gaps"):
        Questionnaire.model_validate(raw)


def test_gap_in_numbers_is_rejected(raw):
    del raw["items"][50]
    with pytest.raises(ValidationError, match=r"numbered 1\.\.N in order without gaps"):
        Questionnaire.model_validate(raw)


def test_unknown_section_is_rejected(raw):
    raw["items"][0]["section"] = "Z"
    with pytest.raises(ValidationError, match="Q1: unknown section 'Z'"):
        Questionnaire.model_validate(raw)


def test_unknown_group_is_rejected(raw):
    raw["items"][0]["group"] = "nowhere"
    with pytest.raises(ValidationError, match="Q1: unknown group 'nowhere'"):
        Questionnaire.model_validate(raw)


def test_group_listing_an_item_outside_it_is_rejected(raw):
    raw["groups"][0]["items"].append(7)
    with pytest.raises(ValidationError, match="group respondent: Q7 does not name the group"):
        Questionnaire.model_validate(raw)


def test_options_on_a_non_choice_item_are_rejected(raw):
    raw["items"][6]["options"] = [{"value": "x", "label": {"en": "X", "es": "X"}}]
    with pytest.raises(ValidationError, match="Q7: options belong to choice items only"):
        Questionnaire.model_validate(raw)


def test_contact_item_without_field_is_rejected(raw):
    del raw["items"][1]["field"]
    with pytest.raises(ValidationError, match="Q2: a contact item needs a field"):
        Questionnaire.model_validate(raw)


def test_missing_spanish_is_rejected(raw):
    raw["items"][0]["label"]["es"] = ""
    with pytest.raises(ValidationError, match="at least 1 character"):
        Questionnaire.model_validate(raw)


def test_unknown_key_is_rejected(raw):
    raw["items"][0]["colour"] = "blue"
    with pytest.raises(ValidationError, match="Extra inputs are not permitted"):
        Questionnaire.model_validate(raw)


# ------------------------------------------------------------- editions


def test_available_lists_the_2024_edition():
    assert "msq-2024" in available()
    assert available() == sorted(available())


def test_available_picks_up_every_yaml_file():
    folder = resources.files("reportgen") / "questionnaires"
    files = sorted(p.name.removesuffix(".yaml") for p in folder.iterdir() if p.name.endswith(".yaml"))
    assert available() == files


def test_load_is_cached():
    assert load("msq-2024") is load("msq-2024")


def test_unknown_edition_names_the_known_ones():
    with pytest.raises(InputError, match=r"unknown questionnaire 'msq-1999' \(known: .*msq-2024"):
        load("msq-1999")


@pytest.fixture
def second_edition(tmp_path, monkeypatch, raw):
    """A report project whose questionnaires/ folder holds a made-up msq-2026.yaml."""
    folder = tmp_path / "questionnaires"
    folder.mkdir()
    raw.update(id="msq-2026", edition=2026)
    (folder / "msq-2026.yaml").write_text(yaml.safe_dump(raw, allow_unicode=True), encoding="utf-8")
    (folder / "notes.txt").write_text("not an edition", encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    return folder


def test_a_second_edition_file_is_picked_up(second_edition):
    assert available() == ["msq-2024", "msq-2026"]
    edition = load("msq-2026")
    assert (edition.id, edition.edition) == ("msq-2026", 2026)
    assert len(edition.items) == 126


def test_a_broken_edition_file_is_an_input_error(second_edition):
    data = yaml.safe_load((second_edition / "msq-2026.yaml").read_text(encoding="utf-8"))
    data["items"][37]["follow_up_of"] = 999
    (second_edition / "msq-2026.yaml").write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    with pytest.raises(InputError, match=r"msq-2026\.yaml:1: invalid catalog.*Q38: follow-up of unknown"):
        load("msq-2026")
