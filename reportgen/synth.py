"""Synthetic responses for the 193 UN Member States, to exercise builds at scale.

Answers, texts and links are drawn with a fixed seed, so the same call gives
the same files; every file passes ``reportgen check``. Country names are the
official UN short names (countries.py), currencies from Babel's territory data.
"""

from __future__ import annotations

import random
from datetime import date, timedelta
from pathlib import Path

import pycountry
import yaml
from babel import Locale
from babel.numbers import get_territory_currencies

from reportgen import questionnaire
from reportgen.countries import un_name
from reportgen.files import write_atomic
from reportgen.questionnaire import Item, Kind, Questionnaire

# ISO 3166-1 alpha-3 codes of the 193 Member States of the United Nations.
UN_MEMBER_STATES = tuple("""
AFG ALB DZA AND AGO ATG ARG ARM AUS AUT AZE BHS BHR BGD BRB BLR BEL BLZ BEN BTN BOL BIH BWA BRA BRN BGR
BFA BDI CPV KHM CMR CAN CAF TCD CHL CHN COL COM COG CRI CIV HRV CUB CYP CZE PRK COD DNK DJI DMA DOM ECU
EGY SLV GNQ ERI EST SWZ ETH FJI FIN FRA GAB GMB GEO DEU GHA GRC GRD GTM GIN GNB GUY HTI HND HUN ISL IND
IDN IRN IRQ IRL ISR ITA JAM JPN JOR KAZ KEN KIR KWT KGZ LAO LVA LBN LSO LBR LBY LIE LTU LUX MDG MWI MYS
MDV MLI MLT MHL MRT MUS MEX FSM MCO MNG MNE MAR MOZ MMR NAM NRU NPL NLD NZL NIC NER NGA MKD NOR OMN PAK
PLW PAN PNG PRY PER PHL POL PRT QAT KOR MDA ROU RUS RWA KNA LCA VCT WSM SMR STP SAU SEN SRB SYC SLE SGP
SVK SVN SLB SOM ZAF SSD ESP LKA SDN SUR SWE CHE SYR TJK THA TLS TGO TON TTO TUN TUR TKM TUV UGA UKR ARE
GBR TZA USA URY UZB VUT VEN VNM YEM ZMB ZWE
""".split())

SUBJECTS = ["The national digital agency", "The Ministry of Public Administration", "The e-government office",
            "The national statistics office", "The data protection authority", "The national CERT",
            "The Ministry of Finance", "The regulator of telecommunications", "Local governments"]
VERBS = ["coordinates", "publishes", "monitors", "implements", "reviews", "funds", "supports", "regulates"]
OBJECTS = ["the national e-government strategy", "open government data", "interoperability standards",
           "digital identity services", "online public procurement", "digital skills programmes for women",
           "the single government portal", "cybersecurity incident response", "user satisfaction surveys",
           "accessibility guidelines for public websites", "the digital inclusion plan"]
TAILS = ["across all ministries", "at national and sub-national levels", "in cooperation with civil society",
         "under a law adopted in {year}", "with annual progress reports", "through a dedicated committee",
         "as set out in the strategy for {start}–{end}", "with support from international partners"]
PATHS = ["strategy", "law", "decree", "open-data", "portal", "services", "participation", "observatory",
         "statistics", "inclusion", "cybersecurity", "identity", "procurement", "news/2024/digital"]


def member_states() -> list[str]:
    return list(UN_MEMBER_STATES)


def synthesize(code: str, catalog: Questionnaire, seed: int = 2024) -> dict:
    """One country's responses document (a dict in the responses format)."""
    rng = random.Random(f"{seed}-{code}")
    country = pycountry.countries.get(alpha_3=code)
    if country is None:
        raise ValueError(f"{code}: not an ISO 3166-1 alpha-3 code")
    alpha2 = country.alpha_2
    name = un_name(code, "en") or Locale("en").territories.get(alpha2, code)
    domain = f"gov.{alpha2.lower()}"
    answers: dict[int, dict | None] = {}
    yes_items: set[int] = set()
    header = catalog.header_items()
    for item in catalog.items:
        if item.number in header:
            continue
        answer = _answer(item, catalog, rng, domain, yes_items, alpha2)
        if answer is not None or item.required:
            answers[item.number] = answer
    submitted = date(2024, 1, 15) + timedelta(days=rng.randrange(120))
    return {
        "country": code,
        "questionnaire": catalog.id,
        "submitted": submitted,
        "respondent": {"name": "Synthetic Respondent", "title": "Director", "organization": f"Government of {name}",
                       "email": f"egov@{domain}"},
        "consent": "yes",
        "answers": answers,
    }


def _answer(item: Item, catalog: Questionnaire, rng: random.Random, domain: str, yes_items: set[int],
            alpha2: str) -> dict | None:
    if item.follow_up_of is not None:
        if item.follow_up_of not in yes_items:
            return None
        if "budget" in catalog.item(item.follow_up_of).label.en.lower():
            return _budget(rng, alpha2)
        return _details(rng, domain, item.number)
    if item.kind in (Kind.YES_NO, Kind.YES_NO_OTHER):
        if rng.random() < 0.08:
            return None  # not reported
        if rng.random() < 0.72 and catalog.follow_ups(item.number):
            yes_items.add(item.number)
            return {"value": "yes"}
        return {"value": "yes" if not catalog.follow_ups(item.number) and rng.random() < 0.6 else "no"}
    if item.kind == Kind.SINGLE_CHOICE:
        start = rng.choice([2018, 2020, 2021, 2022, 2023])
        end = start + rng.choice([3, 5, 8, 10])
        return {"value": "other", "text": f"{start}-{end}", "period": {"start": start, "end": end}}
    if item.kind == Kind.MULTIPLE_CHOICE:
        return {"value": [item.options[0].value]}
    if item.kind == Kind.CONTACT:
        return {"value": {"name": "Synthetic Officer", "title": "Chief Information Officer",
                          "organization": "National Digital Agency", "email": f"cio@{domain}"}[item.field or "name"]}
    if rng.random() < 0.15:
        return None
    return _details(rng, domain, item.number, text=item.kind == Kind.TEXT)


def _details(rng: random.Random, domain: str, number: int, text: bool = True) -> dict:
    sources = [{"url": f"https://www.{rng.choice(['digital', 'mict', 'egov', 'portal', 'data'])}.{domain}/"
                       f"{rng.choice(PATHS)}/{rng.randrange(1, 999)}",
                "title": f"{rng.choice(SUBJECTS).removeprefix('The ')} – {rng.choice(OBJECTS)}"}
               for _ in range(rng.randrange(1, 4))]
    for source in sources:
        if rng.random() < 0.3:
            source["locator"] = f"p. {rng.randrange(2, 140)}"
    answer: dict = {"sources": sources}
    if text:
        answer["text"] = _paragraphs(rng)
        if rng.random() < 0.5:
            answer["summary"] = _sentence(rng)
    return answer


def _budget(rng: random.Random, alpha2: str) -> dict:
    currencies = get_territory_currencies(alpha2, date(2024, 1, 1)) or ["USD"]
    national = rng.randrange(10**9, 10**13)
    dedicated = national * rng.randrange(5, 300) // 10000
    return {"text": "Budget figures as reported by the Ministry of Finance.",
            "budget": {"national": {"amount": national, "currency": currencies[0]},
                       "dedicated": {"amount": dedicated, "currency": currencies[0]},
                       "share_percent": round(100 * dedicated / national, 2)}}


def _sentence(rng: random.Random) -> str:
    start = rng.choice([2018, 2020, 2022])
    tail = rng.choice(TAILS).format(year=rng.randrange(2005, 2024), start=start, end=start + 5)
    return f"{rng.choice(SUBJECTS)} {rng.choice(VERBS)} {rng.choice(OBJECTS)} {tail}."


def _paragraphs(rng: random.Random) -> str:
    paragraphs = [" ".join(_sentence(rng) for _ in range(rng.randrange(2, 7))) for _ in range(rng.randrange(1, 4))]
    return "\n\n".join(paragraphs)


def write_synthetic(codes: list[str], out: Path, seed: int = 2024, questionnaire_id: str = "msq-2024") -> list[Path]:
    catalog = questionnaire.load(questionnaire_id)
    written = []
    for code in codes:
        data = synthesize(code, catalog, seed)
        path = out / f"{code}.yaml"
        text = yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=100)
        write_atomic(path, text.encode("utf-8"))
        written.append(path)
    return written
