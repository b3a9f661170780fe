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


def test_the_topic_catalogs_do_not_overwrite_each_other():
    from rdtr.message_catalog import ANSWERS
    from rdtr.message_catalog_documents import DOCUMENTS
    from rdtr.message_catalog_ingest import INGEST
    from rdtr.message_catalog_plans import PLANS
    from rdtr.message_catalog_rules import RULES
    from rdtr.message_catalog_services import SERVICES

    topics = (ANSWERS, SERVICES, PLANS, DOCUMENTS, INGEST, RULES)
    assert sum(len(t) for t in topics) == len(CATALOG)
    for key, (en, id_) in CATALOG.items():
        assert en and id_, key
        # Message(key, **values) takes the key itself as its first argument: no placeholder may be called so.
        assert not _fields(en) & {"key", "cls"}, key


def test_joined_parts_and_numbers_follow_the_language():
    from rdtr.messages import join

    where = join(" ", ["zones.gpkg", Message("at_feature", feature="12")])
    m = Message("report_item", where=where, message=Message("toml_required", field="[plan].name"))
    assert m == "zones.gpkg feature 12: [plan].name is required"
    assert m.say("id") == "zones.gpkg fitur 12: [plan].name wajib diisi"
    assert pickle.loads(pickle.dumps(m)).say("id") == m.say("id")
    big = Message("upload_too_large", limit=52_428_800)
    assert "52,428,800 bytes" in big and "52.428.800 byte" in big.say("id")
