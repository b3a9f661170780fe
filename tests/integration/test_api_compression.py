"""Answers travel compressed to clients that accept it (phones on weak connections), plain to others."""

from __future__ import annotations


def test_large_answers_are_gzipped_for_clients_that_accept_it(client, sample_plan):
    query = "/v1/activities?q=a&plan=bontang"
    zipped = client.get(query, headers={"Accept-Encoding": "gzip"})
    assert zipped.status_code == 200
    assert zipped.headers.get("content-encoding") == "gzip"
    assert len(zipped.json()["activities"]) > 10  # httpx decoded it: the same document

    plain = client.get(query, headers={"Accept-Encoding": "identity"})
    assert plain.status_code == 200
    assert "content-encoding" not in plain.headers
    assert plain.json() == zipped.json()
