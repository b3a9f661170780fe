"""The message catalog: every sentence in both languages, with the same values, and said as a str."""

from __future__ import annotations

import pickle
import string

import orjson

from rdtr.messages import CATALOG, Message, dumps


def _fields(template: str) -> set[str]:
    return {f for _, f, _, _ in string.Formatter().parse(template) if f}


def test_indonesian_uses_only_values_the_english_has():
    for key, (en, id_) in CATALOG.items():
        assert _fields(id_) <= _fields(en), key
        assert "RDTR_" not in id_ and "/v1/" not in id_, key  # a citizen never reads a variable or a path


def test_a_message_is_its_english_text_and_says_itself_in_indonesian():
    m = Message("lot_below_min", area=1234.56, subzone="R-2", low="150")
    assert m == "the parcel (1,234.6 m²) is below the minimum lot size of R-2 (150 m²)"
    assert m.say("id") == "persil (1.234,6 m²) di bawah luas persil minimum R-2 (150 m²)"
    assert pickle.loads(pickle.dumps(m)).say("id") == m.say("id")


def test_dumps_says_nested_messages_in_the_language_asked():
    doc = {"note": Message("no_cell", subzone="K-1"), "list": [Message("no_intensity")], "n": 3}
    assert orjson.loads(dumps(doc)) == {
        "note": "the ITBX matrix has no cell for K-1",
        "list": ["no intensity rule for this sub-zone in the plan"],
        "n": 3,
    }
    assert orjson.loads(dumps(doc, "id"))["note"] == "matriks ITBX tidak memuat sel untuk K-1"
