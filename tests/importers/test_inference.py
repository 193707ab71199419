"""Yes/No values read from the details when the export marks no option
(issue 9, item 1): the rules on phrasings, then on the seed and small exports."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from reportgen import questionnaire
from reportgen.importers.forms import parse_export
from reportgen.importers.inference import EVIDENCE_CHARS, infer
from reportgen.questionnaire import Kind
from reportgen.responses import Responses

SEED = Path(__file__).parent.parent / "fixtures" / "msq-2024-paraguay-forms-export.md"


@pytest.fixture(scope="module")
def catalog() -> questionnaire.Questionnaire:
    return questionnaire.load("msq-2024")


# --- the rules ------------------------------------------------------------------------


@pytest.mark.parametrize("text", [
    "It is contemplated in the National Plan to develop said public policies",
    "It is planned to be carried out very soon.",
    "A national AI policy will be adopted in 2025.",
    "The ministry plans to publish the guidelines next year.",
    "We plan to adopt a data governance framework.",
    "The regulation is to be carried out by MITIC.",
    "We will launch the portal in the coming months.",
    "A bill on the ethical use of AI is before Congress.",
    "Draft law submitted to the Senate in 2023.",
    "There is no specific regulation yet; a working group studies it.",
    "The strategy is being drafted with the support of UNDP.",
    "Se prevé la aprobación de la ley en 2025.",
    "Está previsto un reglamento sobre inteligencia artificial.",
    "La plataforma se implementará en el segundo semestre.",
    "Existe un proyecto de ley de protección de datos personales.",
    "El portal estará disponible próximamente.",
    "La política se encuentra en elaboración.",
    "Aún no se cuenta con una norma específica.",
])
def test_an_intention_gives_planned_with_its_clause(text: str) -> None:
    found = infer(f"Presidential decree N° 8942\n\n{text}\n\nMore text that follows.", [])
    assert found is not None
    assert found.value == "planned"
    clause = text.split("; ")[0]
    assert found.evidence == clause


@pytest.mark.parametrize("text", [
    "Law No. 5282/2014 guarantees free citizen access to public information.",
    "The CERT-PY is the National Cyber Incident Response Center.",
    # a plan in force, quoted: "will" describes what the plan contains
    "With the objective of strengthening the SII, the MITIC will lead the accompaniment of 100% of the OEEs.",
    # the plan is in place; the bill is one of its actions (after the colon)
    "There is a National Integrity Plan where one of the actions is Action 1.2.2: Promotion of a bill.",
    "The bill was approved in 2021 as Law No. 6822.",
    "The National Plan to Reduce Poverty includes digital services for women.",
    "Law No. 6534 created the agency, which will supervise credit data.",
    "La Ley N° 6822 fue promulgada en 2021 y regula la firma digital.",
    "El proyecto de ley fue aprobado por el Congreso en 2021.",
])
def test_details_that_state_a_fact_give_yes(text: str) -> None:
    found = infer(text, [])
    assert found is not None
    assert (found.value, found.evidence) == ("yes", text)


def test_only_the_lead_statement_decides() -> None:
    text = "The Observatory publishes usage statistics.\n\nThe next survey will be carried out soon."
    assert infer(text, []).value == "yes"  # type: ignore[union-attr]


def test_a_link_alone_gives_yes() -> None:
    found = infer(None, ["https://www.paraguay.gov.py/estadisticas-portal"])
    assert found is not None
    assert (found.value, found.evidence) == ("yes", "link given: https://www.paraguay.gov.py/estadisticas-portal")


def test_only_a_label_gives_yes_with_the_label() -> None:
    found = infer("Presidential decree N° 8942", ["https://www.presidencia.gov.py/x"])
    assert found is not None
    assert (found.value, found.evidence) == ("yes", "Presidential decree N° 8942")


@pytest.mark.parametrize("text", [None, "", "  \n\n "])
def test_no_details_give_no_value(text: str | None) -> None:
    assert infer(text, []) is None


def test_evidence_is_one_short_line() -> None:
    found = infer("The portal " + "offers many services and procedures " * 20 + "online.", [])
    assert found is not None
    assert len(found.evidence) <= EVIDENCE_CHARS + 1 and found.evidence.endswith("…")
    assert "\n" not in found.evidence


# --- the seed ----------------------------------------------------------------------------


@pytest.fixture(scope="module")
def seed_answers(catalog: questionnaire.Questionnaire) -> dict[int, Any]:
    return parse_export(SEED.read_text(encoding="utf-8"), catalog, SEED.name).data["answers"]


def test_seed_q57_and_q122_are_planned(seed_answers: dict[int, Any]) -> None:
    assert seed_answers[57]["value"] == "planned"
    assert seed_answers[57]["inferred"] == "It is contemplated in the National Plan to develop said public policies"
    assert seed_answers[122]["value"] == "planned"
    assert seed_answers[122]["inferred"] == "It is planned to be carried out very soon."


def test_seed_other_answered_yes_no_items_are_yes_with_evidence(
        catalog: questionnaire.Questionnaire, seed_answers: dict[int, Any]) -> None:
    """Every yes/no item whose follow-up has content is `yes`, with the first
    sentence of the follow-up's prose as evidence (read from the export by hand:
    none of them states a plan); items without details have no value."""
    text = SEED.read_text(encoding="utf-8")
    yes_items = []
    for item in catalog.items:
        if item.kind not in (Kind.YES_NO, Kind.YES_NO_OTHER) or item.number in (57, 122):
            continue
        answer = seed_answers[item.number] or {}
        follow_ups = [seed_answers.get(f.number) for f in catalog.follow_ups(item.number)]
        if any(follow_ups):
            assert answer.get("value") == "yes", item.number
            evidence = answer["inferred"]
            assert evidence and "\n" not in evidence and len(evidence) <= EVIDENCE_CHARS + 1
            # the evidence is the export's own words (headings and labels left out)
            probe = evidence.removeprefix("link given: ").rstrip("…")[:40]
            assert probe in " ".join(text.replace("\\", "").split()), item.number
            yes_items.append(item.number)
        else:
            assert "value" not in answer and "inferred" not in answer, item.number
    assert len(yes_items) == 38
    assert {14, 59, 94, 119}.isdisjoint(yes_items)


def test_seed_evidence_skips_headings(seed_answers: dict[int, Any]) -> None:
    # Q93 opens with "Presidential decree N° 8942" and "3.1.2. MAIN ACTORS OF THE ECOSYSTEM".
    assert seed_answers[92]["inferred"].startswith("The following shows the general identification of the actors")
    # Q74: "9.4.3.1. Electronic Identity Currently, the protection ..."
    assert seed_answers[73]["inferred"].startswith("Currently, the protection and privacy of data")


def test_seed_import_fits_the_model(catalog: questionnaire.Questionnaire) -> None:
    data = parse_export(SEED.read_text(encoding="utf-8"), catalog, SEED.name).data
    responses = Responses.model_validate(data)
    assert responses.answers[57].unconfirmed  # a reviewer must confirm it


# --- small exports -------------------------------------------------------------------------


def _export(catalog: questionnaire.Questionnaire, *parts: str) -> str:
    head = "\n\n".join(f"{n}. {catalog.item(n).prompt.en}" for n in range(2, 56))
    return "\n\n".join(["1. Country name \\*", "Chile", head, *parts]) + "\n"


def test_a_marked_option_wins_over_the_details(catalog: questionnaire.Questionnaire) -> None:
    text = _export(catalog,
                   "57. Is there any legislation, law or regulation on the ethical/responsible use of AI?",
                   "- [x] Yes\n- [ ] No",
                   "58. If yes, please provide link and detail.",
                   "A bill on the ethical use of AI will be submitted soon.")
    answer = parse_export(text, catalog, "marked.md").data["answers"][57]
    assert answer == {"value": "yes"}


@pytest.mark.parametrize(("details", "expected"), [
    ("Se prevé una ley sobre el uso ético de la IA.", {"value": "planned",
                                                       "inferred": "Se prevé una ley sobre el uso ético de la IA."}),
    ("<https://www.gob.cl/ia>", {"value": "yes", "inferred": "link given: https://www.gob.cl/ia"}),
    ("", None),
])
def test_unmarked_options_read_from_the_follow_up(catalog: questionnaire.Questionnaire, details: str,
                                                  expected: dict[str, str] | None) -> None:
    text = _export(catalog,
                   "57. Is there any legislation, law or regulation on the ethical/responsible use of AI?",
                   "Yes\n\nNo",
                   "58. If yes, please provide link and detail.",
                   details)
    answer = parse_export(text, catalog, "unmarked.md").data["answers"][57]
    if expected is None:
        assert "value" not in answer and "set yes or no" in answer["flags"]["needs_review"]
    else:
        assert {k: answer[k] for k in ("value", "inferred")} == expected
