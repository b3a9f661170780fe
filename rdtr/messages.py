"""Sentences in two languages: an answer's messages and notes and the common errors, each written once in
English and Indonesian (:data:`CATALOG`).

A :class:`Message` is an ``str`` — the English sentence — that also remembers its key and values, so the
library stays language-free and cacheable: answers and errors carry Messages, and only the edge that knows
the reader's language (HTTP ``Accept-Language``) says them in Indonesian (:func:`dumps`, :func:`say`).
Numbers in a message follow the language (``rdtr.numbers``); plan data (codes, names) is kept as written.
"""

from __future__ import annotations

from typing import Any

import orjson

from rdtr.message_catalog import ANSWERS, TITLES
from rdtr.message_catalog_documents import DOCUMENTS
from rdtr.message_catalog_ingest import INGEST
from rdtr.message_catalog_plans import PLANS
from rdtr.message_catalog_rules import RULES
from rdtr.message_catalog_services import SERVICES
from rdtr.numbers import format_number

LANGUAGES = ("en", "id")

#: key → (English, Indonesian); ``{name}`` placeholders, numbers formatted per language. Written in topic
#: modules (answers and requests; places, coordinates and the services; plan uploads; ingest reports; their
#: rule tables; documents).
CATALOG: dict[str, tuple[str, str]] = {**ANSWERS, **SERVICES, **PLANS, **DOCUMENTS, **INGEST, **RULES}
__all__ = ["CATALOG", "TITLES", "Message", "dumps", "join", "reason", "say", "title"]


def _value(value: Any, lang: str) -> Any:
    if isinstance(value, Message):
        return value.say(lang)
    if isinstance(value, bool) or not isinstance(value, int | float):
        return value
    return format_number(value, 0 if isinstance(value, int) else 1, lang)


class Message(str):
    """An English sentence from :data:`CATALOG` that can say itself in Indonesian (:meth:`say`)."""

    def __new__(cls, key: str, **values: Any):
        text = CATALOG[key][0].format(**{k: _value(v, "en") for k, v in values.items()})
        obj = super().__new__(cls, text)
        obj.key, obj.values = key, values
        return obj

    def say(self, lang: str) -> str:
        """The sentence in ``lang`` (``en`` or ``id``)."""
        if lang != "id":
            return str(self)
        return CATALOG[self.key][1].format(**{k: _value(v, lang) for k, v in self.values.items()})

    def __reduce__(self):  # pickling (worker processes, caches) keeps the key and values
        return (_rebuild, (self.key, self.values))


def _rebuild(key: str, values: dict) -> Message:
    return Message(key, **values)


class _Joined(Message):
    """Parts (Messages or plain text) joined by a separator, each said in the reader's language."""

    def __new__(cls, sep: str, parts: tuple):
        obj = str.__new__(cls, sep.join(str(p) for p in parts))
        obj.key, obj.values, obj.sep, obj.parts = None, {}, sep, parts
        return obj

    def say(self, lang: str) -> str:
        """The parts in ``lang``, joined."""
        return self.sep.join(say(p, lang) for p in self.parts)

    def __reduce__(self):
        return (_Joined, (self.sep, self.parts))


def join(sep: str, parts) -> Message:
    """``parts`` (Messages or plain text, e.g. a file name) joined by ``sep``, said part by part."""
    return _Joined(sep, tuple(parts))


def say(value: Any, lang: str) -> Any:
    """``value`` in ``lang`` if it is a :class:`Message`, else as it is."""
    return value.say(lang) if isinstance(value, Message) else value


def reason(exc: BaseException) -> str:
    """What ``exc`` says: the :class:`Message` it was raised with (said later in the reader's language), else
    its text."""
    detail = getattr(exc, "detail", None)
    first = detail if isinstance(detail, Message) else (exc.args[0] if exc.args else None)
    return first if isinstance(first, Message) else str(exc)


def _default(lang: str):
    def default(obj):
        if isinstance(obj, Message):
            return obj.say(lang)
        for kind in (str, dict, list, int, float):  # other subclasses of built-ins, as their base
            if isinstance(obj, kind):
                return kind(obj)
        raise TypeError(f"cannot serialise {type(obj).__name__}")

    return default


_DEFAULTS = {lang: _default(lang) for lang in LANGUAGES}


def dumps(document: Any, lang: str = "en") -> bytes:
    """``document`` as JSON bytes, every :class:`Message` in it said in ``lang`` (English costs nothing
    extra: a Message is its English text)."""
    if lang != "id":
        return orjson.dumps(document)
    return orjson.dumps(document, default=_DEFAULTS[lang], option=orjson.OPT_PASSTHROUGH_SUBCLASS)


def title(status: int, lang: str = "en") -> str:
    """The problem+json title of ``status`` in ``lang``."""
    en, id_ = TITLES.get(status, ("Error", "Kesalahan"))
    return id_ if lang == "id" else en
