"""Line breaks around reference markers (reportgen/linebreaks.py)."""

from __future__ import annotations

from reportgen.linebreaks import glue_before_reference, marker_text


def test_a_chinese_marker_is_joined_character_by_character() -> None:
    """Chinese breaks between any two Han characters and after "，" or "；":
    word joiners keep "[36，37；19，第119、121页]" whole."""
    assert marker_text("，第119、121页") == "".join(c + "\u2060" for c in "，第119、121页")
    assert marker_text(", p.\u00a0119, 121") == ",\u00a0p.\u00a0119,\u00a0121"
    assert marker_text("5–7") == "5\u2060–\u20607\u2060"


def test_the_word_before_a_marker_keeps_it() -> None:
    assert glue_before_reference("the plan ") == "the plan\u00a0"
    assert glue_before_reference("país.") == "país.\u2060"
    assert glue_before_reference("électronique\u202f") == "électronique\u202f"  # already no-break
    assert glue_before_reference("") == ""
