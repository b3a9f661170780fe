"""Map extracts (*ekstrak peta*) for KKPR decisions: make one, read one back.

An extract is an immutable record — the request, the full parcel analysis, the plan versions and legal
bases it cites, the time, the officer, the reference — plus the PDF rendered from exactly that record
(:mod:`rdtr.render.extract`). ``sha256`` is the SHA-256 of the stored PDF bytes; ``answer_sha256`` (the
hash printed inside the PDF) is the SHA-256 of the answer as canonical JSON, so both the file and its
content can be checked against the public record.
"""

from __future__ import annotations

import copy
import hashlib
import json
import secrets
import time
from datetime import UTC, date, datetime
from typing import Any

import shapely
from shapely.geometry.base import BaseGeometry
from sqlalchemy import insert, select

from rdtr import __version__, audit
from rdtr.config import get_settings
from rdtr.db.schema import extract as extract_table
from rdtr.errors import InvalidInput, NoPublicURL, NotFound
from rdtr.messages import Message
from rdtr.proposal import parse_proposal
from rdtr.render import data as mapdata
from rdtr.render.extract import ExtractInput, answer_sha256, map_view, office_from_settings, render_pdf
from rdtr.render.extract.words import parse_nip

MAX_PDF_BYTES = 5 * 1024 * 1024
_ID_CHARS = "0123456789abcdefghjkmnpqrstvwxyz"  # Crockford-style: no i, l, o, u


def new_extract_id(now: datetime | None = None) -> str:
    """``YYYYMMDD-xxxxxxxxxx``: the UTC date and 10 random characters (50 bits)."""
    now = now or datetime.now(UTC)
    token = "".join(secrets.choice(_ID_CHARS) for _ in range(10))
    return f"{now:%Y%m%d}-{token}"


#: Where `rdtr serve` listens by default: the verification base when the embedded default database is in use.
LOCAL_PUBLIC_URL = "http://127.0.0.1:8000"


def public_base() -> str:
    """The base of verification URLs: ``RDTR_PUBLIC_URL`` — never anything a request says. With the embedded
    default database (a local set-up) it defaults to where ``rdtr serve`` listens; elsewhere it must be set."""
    from rdtr.db.engine import using_embedded

    url = get_settings().public_url
    if url:
        return url.rstrip("/")
    if using_embedded():
        return LOCAL_PUBLIC_URL
    raise NoPublicURL(Message("no_public_url"))


def urls(extract_id: str, base_url: str | None = None) -> dict[str, str]:
    """The record's public URLs: ``verify`` (the JSON record) and ``pdf`` (the stored bytes)."""
    base = (base_url or public_base()).rstrip("/")
    return {"verify": f"{base}/v1/extracts/{extract_id}", "pdf": f"{base}/v1/extracts/{extract_id}.pdf"}


def parcel_geometry(parcel: Any) -> tuple[dict, BaseGeometry]:
    """One parcel as (GeoJSON geometry, shapely geometry, EPSG:4326) from a GeoJSON Polygon/MultiPolygon,
    a Feature, a FeatureCollection holding one parcel, or a shapely geometry — with the same checks and
    repairs as the analysis (:mod:`rdtr.parcel_input`)."""
    from rdtr.parcel_input import parse_geojson

    if isinstance(parcel, BaseGeometry):
        parcel = json.loads(shapely.to_geojson(parcel))
    batch = parse_geojson(parcel)
    if len(batch.parcels) != 1:
        raise InvalidInput(Message("extract_one_parcel", count=len(batch.parcels)))
    p = batch.parcels[0]
    if not p.ok:
        raise InvalidInput(p.error)
    return json.loads(shapely.to_geojson(p.geom)), p.geom


def nip_of(value) -> str | None:
    """The officer's NIP as stored and printed (18 digits) or ``None``; :class:`InvalidInput` naming ``nip``."""
    try:
        return parse_nip(value)
    except ValueError as exc:
        raise InvalidInput(exc.args[0]) from None  # the Message parse_nip raised


def _analyze(db, geometry: dict, activity: str, at: date | None, plan: str | None) -> dict:
    from rdtr import answers

    answer = answers.analyze(db, geometry, at=at, activity=activity, plan=plan)
    answer = mapdata.to_dict(answer)
    if isinstance(answer.get("results"), list):  # a one-feature collection answered as a batch
        answer = answer["results"][0]
    return answer


def conformity_of(answer: dict, proposal: dict) -> dict:
    """The conformity check of an analysed parcel as the record stores it: verdict, activity, proposal,
    checks, requirements and reasons (Indonesian) — everything :func:`rdtr.answers.check.conformity`
    answers but the analysis, which is the record's answer itself."""
    from rdtr.answers.check import conformity

    result = conformity(answer, proposal, lang="id")
    return copy.deepcopy({k: v for k, v in result.items() if k != "analysis"})


def create_extract(
    db,
    parcel: Any,
    activity: str,
    reference: str | None = None,
    officer: str = "",
    at: date | None = None,
    plan: str | None = None,
    base_url: str | None = None,
    proposal: dict | None = None,
    officer_nip: str | None = None,
) -> dict:
    """Analyse the parcel, render the PDF, store the record; returns ``{id, sha256, pdf, verify}``
    plus ``timings_s`` (analysis, map data, render, store). With a ``proposal`` (:func:`rdtr.proposal.
    parse_proposal`'s fields) the conformity check of that same analysis is stored in the answer
    (``answer["conformity"]``, covered by ``answer_sha256``) and printed. ``officer_nip`` (18 digits) is
    printed in the signature block and stored with the request; the letterhead is the configured office
    (``RDTR_OFFICE_*``), checked before anything is analysed."""
    if not activity or not str(activity).strip():
        raise InvalidInput(Message("extract_activity"))
    if not officer:
        raise InvalidInput(Message("extract_officer"))
    if reference is not None and len(reference) > 200:
        raise InvalidInput(Message("extract_reference_long", limit=200))
    if proposal is not None:
        proposal = parse_proposal(proposal)
    officer_nip = nip_of(officer_nip)
    office = office_from_settings()
    geometry, geom = parcel_geometry(parcel)
    timings: dict[str, float] = {}
    t0 = time.perf_counter()
    answer = _analyze(db, geometry, activity, at, plan)
    t1 = time.perf_counter()
    timings["analysis"] = t1 - t0
    if not answer.get("zones"):
        raise InvalidInput(Message("extract_uncovered"))
    if proposal is not None:
        answer["conformity"] = conformity_of(answer, proposal)

    engine = db.engine
    created_at = datetime.now(UTC).replace(microsecond=0)
    extract_id = new_extract_id(created_at)
    links = urls(extract_id, base_url)
    with engine.connect() as conn:
        pv_ids = mapdata.versions_for_answer(conn, answer)
        view = map_view(geom)
        zones = mapdata.zones_in_bbox(conn, pv_ids, view.bbox_lonlat(margin_m=10.0), simplify_m=view.scale / 10000.0)
        outline = mapdata.plan_outline(db, pv_ids[0]) if pv_ids else []
    t2 = time.perf_counter()
    timings["map_data"] = t2 - t1

    digest = answer_sha256(answer)
    pdf = render_pdf(
        ExtractInput(
            extract_id=extract_id,
            created_at=created_at,
            officer=officer,
            reference=reference,
            activity=str(activity),
            answer=answer,
            parcel=geom,
            zones=zones,
            outline=outline,
            verify_url=links["verify"],
            answer_sha256=digest,
            app_version=__version__,
            office=office,
            officer_nip=officer_nip,
        )
    )
    t3 = time.perf_counter()
    timings["render"] = t3 - t2
    if len(pdf) > MAX_PDF_BYTES:  # cannot happen with vector maps of one parcel; guard the OSS limit
        raise InvalidInput(Message("extract_too_big", size=len(pdf)))
    sha = hashlib.sha256(pdf).hexdigest()
    plans = mapdata.answer_plans(answer)
    request = {
        "parcel": geometry,
        "activity": activity,
        "reference": reference,
        "at": at.isoformat() if at else None,
        "plan": plan,
    }
    if proposal is not None:
        request["proposal"] = proposal
    if officer_nip is not None:
        request["officer_nip"] = officer_nip
    request["office"] = {"name": office.name, "address": office.address, "configured": office.configured}
    with engine.begin() as conn:
        conn.execute(
            insert(extract_table).values(
                id=extract_id,
                created_at=created_at,
                officer=officer,
                reference=reference,
                request=request,
                answer=answer,
                plan_version_ids=pv_ids,
                sha256=sha,
                pdf=pdf,
                answer_sha256=digest,
                plans=plans,
                verify_url=links["verify"],
            )
        )
        audit.record(
            conn,
            officer,
            "extract.issue",
            extract_id,
            {
                "reference": reference,
                "activity": activity,
                "sha256": sha,
                "plans": [{"id": p["id"], "version": p["version"]} for p in plans],
                **({"verdict": answer["conformity"]["verdict"]} if proposal is not None else {}),
            },
        )
    timings["store"] = time.perf_counter() - t3
    return {
        "id": extract_id,
        "sha256": sha,
        "pdf": links["pdf"],
        "verify": links["verify"],
        "bytes": len(pdf),
        "scale": view.scale,
        "timings_s": timings,
    }


def get_extract(db, extract_id: str, base_url: str | None = None) -> dict:
    """The public record of an extract (without the PDF bytes): what a verifier compares."""
    engine = db.engine
    t = extract_table
    with engine.connect() as conn:
        row = (
            conn.execute(
                select(
                    t.c.id,
                    t.c.created_at,
                    t.c.officer,
                    t.c.reference,
                    t.c.request,
                    t.c.answer,
                    t.c.plans,
                    t.c.sha256,
                    t.c.answer_sha256,
                    t.c.verify_url,
                    t.c.plan_version_ids,
                ).where(t.c.id == extract_id)
            )
            .mappings()
            .first()
        )
    if row is None:
        raise NotFound(Message("no_extract", id=repr(extract_id)))
    # The links of a record come from its own stored verification URL (configuration when it was issued),
    # so verifying never depends on what this server is configured as — or on any request.
    stored = row["verify_url"]
    links = urls(extract_id, base_url or (stored.rsplit("/v1/extracts/", 1)[0] if stored else None))
    plans = row["plans"] or mapdata.answer_plans(row["answer"])
    return {
        "id": row["id"],
        "created_at": row["created_at"].astimezone(UTC).isoformat().replace("+00:00", "Z"),
        "officer": row["officer"],
        "officer_nip": (row["request"] or {}).get("officer_nip"),
        "reference": row["reference"],
        "activity": (row["request"] or {}).get("activity"),
        "plans": plans,
        "legal_basis": [p.get("legal_basis") for p in plans],
        "sha256": row["sha256"],
        "answer_sha256": row["answer_sha256"],
        "pdf": links["pdf"],
        "verify": row["verify_url"] or links["verify"],
        "hashes": {
            "sha256": "SHA-256 of the PDF bytes served at `pdf`",
            "answer_sha256": "SHA-256 of `answer` as canonical JSON (sorted keys, no whitespace, UTF-8); "
            "printed in the PDF",
        },
        "request": row["request"],
        "answer": row["answer"],
        "notice": "Advisory map extract for a KKPR assessment; the KKPR decision itself is issued through OSS.",
    }


def get_extract_pdf(db, extract_id: str) -> bytes:
    """The stored PDF bytes, exactly as hashed."""
    engine = db.engine
    with engine.connect() as conn:
        pdf = conn.execute(select(extract_table.c.pdf).where(extract_table.c.id == extract_id)).scalar()
    if pdf is None:
        raise NotFound(Message("no_extract", id=repr(extract_id)))
    return bytes(pdf)
