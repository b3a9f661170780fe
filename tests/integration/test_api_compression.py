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
    for answer in (zipped, plain):  # a cache in between keeps the two forms apart
        assert "accept-encoding" in answer.headers.get("vary", "").lower()


def test_small_answers_and_clients_without_gzip_get_the_body_as_is(client, sample_plan):
    """Below the minimum size nothing is compressed; a client naming no encoding gets plain bytes."""
    health = client.get("/health", headers={"Accept-Encoding": "gzip"})
    assert health.status_code == 200 and "content-encoding" not in health.headers
    bare = client.build_request("GET", "/v1/activities?q=a&plan=bontang")
    del bare.headers["accept-encoding"]
    answer = client.send(bare)
    assert answer.status_code == 200 and "content-encoding" not in answer.headers
    assert len(answer.json()["activities"]) > 10
