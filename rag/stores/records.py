"""How a chunk is kept as a Chroma record and read back: its metadata (``chunk_metadata``), the passage a record
becomes (``to_passage``), ``Filters`` in Chroma's ``where`` syntax, and reads of many records a page at a time
(``read_pages``): one Chroma ``get`` binds an SQL variable per record, and SQLite refuses more than 32,766.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from datetime import date
from typing import Any

from rag.errors import StoreError
from rag.types import Chunk, Filters, Passage, day_number

PAGE = 5000  # records one Chroma read asks for at most: it binds an SQL variable each, and SQLite allows 32,766


_CHROMA_FIELDS = {"source": "source", "day": "published_day"}
_CHROMA_OPS = {"in": "$in", ">=": "$gte", "<=": "$lte", ">": "$gt"}


def chroma_where(filters: Filters | None) -> dict[str, Any] | None:
    """``filters``' conditions in Chroma's ``where`` syntax (None: no filter)."""
    clauses = [{_CHROMA_FIELDS[r.field]: {_CHROMA_OPS[r.op]: list(r.value) if isinstance(r.value, tuple) else r.value}}
               for r in (filters.conditions() if filters else ())]
    if not clauses:
        return None
    return clauses[0] if len(clauses) == 1 else {"$and": clauses}


def chunk_metadata(chunk: Chunk, chunk_count: int, file: str) -> dict[str, Any]:
    article = chunk.article
    meta: dict[str, Any] = {
        "article_id": article.id, "ordinal": chunk.ordinal, "start": chunk.start, "end": chunk.end,
        "title": article.title, "source": article.source, "url": article.url, "origin": article.origin,
        "authors": "; ".join(article.authors), "file": file,
        "published_at": article.published_at.isoformat() if article.published_at else "",
    }
    meta["published_day"] = day_number(article.published_at)  # numeric, for date-range filters
    meta["content_hash"] = article.content_hash  # on every chunk: ``repair`` finds chunks of two versions mixed
    if chunk.ordinal == 0:
        meta["chunk_count"] = chunk_count
    return meta


def to_passage(chunk_id: str, text: str, meta: dict[str, Any], score: float) -> Passage:
    return Passage(
        chunk_id=chunk_id, article_id=meta["article_id"], text=text, title=meta.get("title", ""),
        source=meta.get("source", ""), url=meta.get("url", ""),
        published_at=date.fromisoformat(meta["published_at"]) if meta.get("published_at") else None,
        authors=tuple(a for a in meta.get("authors", "").split("; ") if a),
        start=int(meta.get("start", 0)), end=int(meta.get("end", 0)), score=float(score),
        origin=meta.get("origin", ""),
    )


def read_pages(collection: Any, location: str, include: list[Any], ids: Sequence[str] | None = None,
               where: dict[str, Any] | None = None) -> Iterator[dict[str, Any]]:
    """Chroma's ``get`` a page of at most ``PAGE`` records at a time: of ``ids``, or of every chunk (that
    matches ``where``). One ``get`` of more records than SQLite's variable limit fails."""
    try:
        if ids is not None:
            for start in range(0, len(ids), PAGE):
                yield dict(collection.get(ids=list(ids[start:start + PAGE]), include=include))
            return
        offset = 0
        while True:
            got = collection.get(where=where, include=include, limit=PAGE, offset=offset)
            page: dict[str, Any] = dict(got)
            if page["ids"]:
                yield page
            if len(page["ids"]) < PAGE:
                return
            offset += PAGE
    except Exception as exc:  # noqa: BLE001 - chromadb raises many types; all mean the same to a user
        raise StoreError(f"cannot read the index at {location}: {exc}") from None
