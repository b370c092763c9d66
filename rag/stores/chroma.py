"""The index: a Chroma collection of chunks, written and read by article; on disk, or on a Chroma server.

Each chunk is stored under ``<article id>:<ordinal>`` with its article's content hash; chunk 0 also records the
chunk count, so re-ingesting can tell unchanged, changed and new articles apart without re-embedding anything.

Crash safety: chunk 0 is written last and deleted first, so an ingest killed half-way leaves the article looking
unfinished and the next run redoes it. Writers hold ``write.lock`` in the index folder (one writer at a time; the
operating system releases it when a writer dies, even by SIGKILL; ``rag.stores.locking``). A writer that finds the
lock's note of an unfinished write left by a dead one first runs ``repair``, which removes chunks no complete article
owns.

The keyword index (``rag/stores/keywords.py``) gets every write too, batch by batch right after Chroma's, and ``repair``
brings it back in line with Chroma. Reads of many records go a page of ``PAGE`` at a time: one Chroma ``get``
binds an SQL variable per record, and SQLite refuses more than 32,766.
"""

from __future__ import annotations

import logging
import os
import shutil
import sqlite3
import uuid
from collections import OrderedDict
from collections.abc import Collection, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import numpy as np

from rag.errors import StoreError
from rag.models.embeddings import NewsEmbeddings
from rag.stores.keywords import FILE as KEYWORDS_FILE
from rag.stores.keywords import KeywordIndex, KeywordRow, rows_from_chroma
from rag.stores.locking import REGISTRY, interrupted, note, write_lock, writers_of
from rag.stores.lookups import articles_under, named_articles
from rag.stores.records import chroma_where, chunk_metadata, read_pages, to_passage
from rag.types import Article, Chunk, Filters, IndexStats, Passage

COLLECTION = "news"
_FRESH_AT: dict[str, str] = {}  # index folder -> the revision this process's Chroma store reflects
REPEAT_CACHE = 8192  # vectors of recently embedded chunk texts kept for reuse (~12 MB at 384 dimensions)


@dataclass(frozen=True)
class ChromaServer:
    """A Chroma server to use instead of the on-disk store, as started by ``chroma run --path DIR --port N``."""

    host: str
    port: int = 8000
    ssl: bool = False
    headers: Mapping[str, str] = field(default_factory=dict)  # e.g. {"Authorization": "Bearer …"}
    collection: str = COLLECTION

    def __str__(self) -> str:
        return f"{'https' if self.ssl else 'http'}://{self.host}:{self.port} (collection {self.collection!r})"


class NewsIndex:
    """The ``Index`` (rag/stores/index.py) over a Chroma store of news chunks, queried through LangChain's Chroma vector
    store. On disk in ``index_dir``, or on ``server`` (then ``index_dir`` only caches the keyword index derived
    from it)."""

    def __init__(self, index_dir: str | Path, embeddings: NewsEmbeddings, server: ChromaServer | None = None) -> None:

        logging.getLogger("chromadb.telemetry.product.posthog").setLevel(logging.CRITICAL)
        self.path = Path(index_dir)
        self.location = str(server) if server else str(self.path)
        self.embeddings = embeddings
        self._server = server
        self._name = server.collection if server else COLLECTION
        self._connect()
        built_with = (self._collection.metadata or {}).get("embedding_model")
        if built_with != embeddings.model_name:
            raise StoreError(f"the index at {self.location} was built with the embedding model {built_with!r}, not "
                             f"{embeddings.model_name!r}: use that model, or another index to build a new one")
        self._recent: OrderedDict[str, np.ndarray] = OrderedDict()
        # the revision this process's store reflects: another NewsIndex here may have opened it long ago
        self._synced = self._revision() if server else _FRESH_AT.setdefault(str(self.path.resolve()), self._revision())
        self.sync()
        name = KEYWORDS_FILE if not server else f"keywords-{server.host}-{server.port}-{self._name}.sqlite3"
        shutil.rmtree(self.path / name.removesuffix(".sqlite3"), ignore_errors=True)  # bm25s's folder, before FTS5
        try:
            self.keywords = KeywordIndex(self.path / name, self._keyword_pages, self._revision if server else None)
        except sqlite3.Error as exc:
            raise StoreError(f"cannot open the keyword index {self.path / name}: {exc} (it is derived from the "
                             "index: delete it and it is rebuilt)") from None

    def _connect(self) -> None:
        import chromadb
        from chromadb.config import Settings as ChromaSettings
        from langchain_chroma import Chroma

        server = self._server
        try:
            self.path.mkdir(parents=True, exist_ok=True)
            settings = ChromaSettings(anonymized_telemetry=False)
            if server:
                client = chromadb.HttpClient(host=server.host, port=server.port, ssl=server.ssl,
                                             headers=dict(server.headers), settings=settings)
            else:
                client = chromadb.PersistentClient(path=str(self.path), settings=settings)
            metadata = {"hnsw:space": "cosine", "embedding_model": self.embeddings.model_name}
            # embedding_function=None: Chroma's default one downloads a model; we always pass our own vectors.
            collection = client.get_or_create_collection(self._name, embedding_function=None, metadata=metadata)
            self._max_batch = client.get_max_batch_size()
        except Exception as exc:  # noqa: BLE001 - chromadb raises many types; all mean the same to a user
            what = "reach the Chroma server at" if server else "open the index at"
            raise StoreError(f"cannot {what} {self.location}: {exc}") from None
        self._client, self._collection = client, collection
        self._store = Chroma(client=client, collection_name=self._name, embedding_function=self.embeddings,
                             collection_metadata=metadata)

    def sync(self) -> None:
        """Catch up with writes made by another process. Chroma's embedded store keeps its vector index in memory
        per process and does not see vectors another process adds: searches would miss them (or fail), and a
        write from here would save the stale index over them. When the revision token shows a write that this
        process's store does not hold, the store is reloaded from disk (once per process and write)."""
        revision = self._revision()
        if revision == self._synced or self._server:
            self._synced = revision
            return
        key = str(self.path.resolve())
        with REGISTRY:
            if _FRESH_AT.get(key) != revision:
                _reload_chroma(self._client)
                _FRESH_AT[key] = revision
            self._connect()
            self._synced = revision

    def _revision(self) -> str:
        """A token that every write changes (``_touch``): tells other processes' vector indexes, and a local copy
        of a server's keyword index, that they are stale."""
        return str((self._client.get_collection(self._name).metadata or {}).get("revision", ""))

    def _touch(self) -> str:
        metadata = {k: v for k, v in (self._client.get_collection(self._name).metadata or {}).items()
                    if not k.startswith("hnsw:")}  # the distance is fixed at creation; Chroma refuses to restate it
        revision = uuid.uuid4().hex
        self._collection.modify(metadata={**metadata, "revision": revision})
        self._synced = revision  # this process's store holds its own writes
        if not self._server:
            _FRESH_AT[str(self.path.resolve())] = revision
        return revision

    @contextmanager
    def _changing(self) -> Iterator[None]:
        """Change the revision before and after a write: anything derived from a half-done write is stale
        either way. The keyword index got the same changes, so if it was current before, it is after."""
        before = self._revision()
        self._touch()
        yield
        self.keywords.advance(before, self._touch())

    @contextmanager
    def writing(self) -> Iterator[int]:
        """Hold the index's write lock for a whole ingest or removal; yields how many stray chunks ``repair``
        removed first (a previous writer was killed mid-write), usually 0. Writers in other threads of this process
        (an upload and a background feed refresh in the app) wait their turn; another process's writer, or a nested
        write in the same thread, raises ``StoreError`` naming the writer at work. With a Chroma server the lock
        only covers processes on this machine."""
        with writers_of(self.path):
            yield from self._locked()

    def _locked(self) -> Iterator[int]:
        with write_lock(self.path, self.location) as handle:
            self.sync()  # never save a stale vector index over another process's writes
            repaired = self.repair() if interrupted(handle) else 0
            if not self._server:
                self.keywords.ensure_current()  # an index from before the keyword file: build it now, once
            note(handle, f"writing {os.getpid()}\n")
            yield repaired
            note(handle, "")

    def repair(self) -> int:
        """Delete chunks that no complete article owns: those of an article with no chunk 0, beyond its chunk
        count, or carrying another version's content hash (the whole article goes then, and a re-ingest re-adds
        it). What a write killed half-way can leave behind; returns how many chunks went. Then the keyword index
        is brought in line with what is left: rows the store lacks go, chunks it lacks (or holds another version
        of) are added."""
        rows = [(i, m) for page in self._pages(["metadatas"]) for i, m in zip(page["ids"], page["metadatas"] or [])]
        heads = {m["article_id"]: m for _, m in rows if m.get("ordinal") == 0}
        version = {a: m["content_hash"] for a, m in heads.items()}
        mixed = {m["article_id"] for _, m in rows if m["article_id"] in version
                 and m.get("content_hash", version[m["article_id"]]) != version[m["article_id"]]}
        stray = [i for i, m in rows if m["article_id"] not in heads or m["article_id"] in mixed
                 or int(m.get("ordinal", 0)) >= int(heads[m["article_id"]].get("chunk_count", 0))]
        heads_first = sorted(stray, key=lambda i: not i.endswith(":0"))
        if heads_first:
            with self._changing():
                self._delete(heads_first)
        gone = set(heads_first)
        stored = {i: str(m.get("content_hash", "")) for i, m in rows if i not in gone}
        held = self.keywords.hashes()
        self.keywords.delete([i for i, h in held.items() if stored.get(i) != h])
        for page in self._pages(["documents", "metadatas"], ids=[i for i, h in stored.items() if held.get(i) != h]):
            self.keywords.add(rows_from_chroma(page["ids"], page["documents"] or [], page["metadatas"] or []))
        return len(heads_first)

    def stored_articles(self, article_ids: Sequence[str]) -> dict[str, tuple[str, int]]:
        """article id -> (content hash, chunk count) for those ids that are fully stored."""
        heads = [m for page in self._pages(["metadatas"], ids=[f"{a}:0" for a in article_ids])
                 for m in page["metadatas"] or []]
        return {m["article_id"]: (m["content_hash"], int(m["chunk_count"])) for m in heads}

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        """One unit vector per text. Repeated texts (boilerplate, syndicated copies) are embedded once: within the
        call, and across calls while they are among the last ``REPEAT_CACHE`` texts seen."""
        new = [t for t in dict.fromkeys(texts) if t not in self._recent]
        if new:
            for text, vector in zip(new, np.asarray(self.embeddings.embed_documents(new), dtype=np.float32)):
                self._recent[text] = vector
        vectors = [self._recent[t] for t in texts]
        for text in texts:
            self._recent.move_to_end(text)
        while len(self._recent) > REPEAT_CACHE:
            self._recent.popitem(last=False)
        return np.asarray(vectors, dtype=np.float32) if vectors else np.zeros((0, 0), dtype=np.float32)

    def write(self, chunks: Sequence[Chunk], vectors: np.ndarray, stale_ids: Sequence[str] = (),
              files: Mapping[str, str] | None = None) -> None:
        """Upsert ``chunks`` (all chunks of their articles, embedded as ``vectors``) and delete ``stale_ids``;
        chunk 0 goes last. ``files``: article id -> the file it was read from, for ``articles_from_files``."""
        counts: dict[str, int] = {}
        for chunk in chunks:
            counts[chunk.article.id] = max(counts.get(chunk.article.id, 0), chunk.ordinal + 1)
        rows = list(zip(chunks, vectors))
        bodies = [r for r in rows if r[0].ordinal > 0]
        heads = [r for r in rows if r[0].ordinal == 0]
        try:
            with self._changing():
                self._upsert(bodies, counts, files or {})
                self._delete(list(stale_ids))
                self._upsert(heads, counts, files or {})
        except Exception as exc:  # noqa: BLE001 - chromadb raises many types; all mean the same to a user
            raise StoreError(f"cannot write to the index at {self.location}: {exc}") from None

    def remove(self, article_ids: Sequence[str]) -> int:
        """Delete these articles, head chunks first (a half-done removal leaves them looking unfinished, so a
        re-ingest would redo them); returns how many chunks went."""
        if not article_ids:
            return 0
        try:
            counts = {a: n for a, (_, n) in self.stored_articles(article_ids).items()}
            with self._changing():
                self._delete([f"{a}:0" for a in counts])
                self._delete([f"{a}:{i}" for a, n in counts.items() for i in range(1, n)])
        except Exception as exc:  # noqa: BLE001 - chromadb raises many types; all mean the same to a user
            raise StoreError(f"cannot remove from the index at {self.location}: {exc}") from None
        return sum(counts.values())

    def find_articles(self, targets: Sequence[str]) -> list[str]:
        """Ids of stored articles that ``targets`` name (``rag.stores.lookups.named_articles``); raises ``InputError``
        naming a target that matches nothing, before anything is removed."""
        return named_articles(self._heads(), targets, self.location)

    def articles_from_files(self, paths: Sequence[str | Path], exclude: Collection[str] = (),
                            keep_files: Collection[str] = ()) -> list[str]:
        """Ids of stored articles read from a file at or under ``paths`` (``rag.stores.lookups.articles_under``)."""
        return articles_under(self._heads(), paths, exclude, keep_files)

    def _heads(self) -> list[dict[str, Any]]:
        """The metadata of every article (its chunk 0)."""
        return [m for page in self._pages(["metadatas"], where={"ordinal": 0}) for m in page["metadatas"] or []]

    def _pages(self, include: list[Any], ids: Sequence[str] | None = None,
               where: dict[str, Any] | None = None) -> Iterator[dict[str, Any]]:
        return read_pages(self._collection, self.location, include, ids, where)

    def _keyword_pages(self) -> Iterator[list[KeywordRow]]:
        """Every chunk, a page at a time, as keyword rows (to build the keyword index)."""
        for page in self._pages(["documents", "metadatas"]):
            yield rows_from_chroma(page["ids"], page["documents"] or [], page["metadatas"] or [])

    def _delete(self, ids: list[str]) -> None:
        for start in range(0, len(ids), self._max_batch):
            batch = ids[start:start + self._max_batch]
            self._collection.delete(ids=batch)
            self.keywords.delete(batch)

    def _upsert(self, rows: Sequence[tuple[Chunk, np.ndarray]], counts: dict[str, int],
                files: Mapping[str, str]) -> None:
        for start in range(0, len(rows), self._max_batch):
            batch = rows[start:start + self._max_batch]
            ids, texts = [c.id for c, _ in batch], [c.text for c, _ in batch]
            metadatas = [chunk_metadata(c, counts[c.article.id], files.get(c.article.id, "")) for c, _ in batch]
            self._collection.upsert(ids=ids, embeddings=np.asarray([v for _, v in batch], dtype=np.float32),
                                    documents=texts, metadatas=metadatas)  # type: ignore[arg-type]
            self.keywords.add(rows_from_chroma(ids, texts, metadatas))

    def search(self, query: str, k: int, filters: Filters | None = None) -> list[Passage]:
        """The ``k`` chunks most similar to ``query`` (cosine similarity as ``score``), best first."""
        self.sync()  # (an empty collection answers with no hits; counting it first reads every record)
        where = chroma_where(filters)
        try:
            hits = self._store.similarity_search_with_score(query, k=k, filter=where)
        except Exception:  # noqa: BLE001 - chromadb raises many types; all mean the same to a user
            self.sync()  # another process may be writing right now: its first revision change is enough to retry
            try:
                hits = self._store.similarity_search_with_score(query, k=k, filter=where)
            except Exception as exc:  # noqa: BLE001 - chromadb raises many types; all mean the same to a user
                raise StoreError(f"cannot search the index at {self.location}: {exc}") from None
        return [to_passage(doc.id or "", doc.page_content, doc.metadata, 1.0 - distance) for doc, distance in hits]

    def keyword_search(self, query: str, k: int, filters: Filters | None = None) -> list[Passage]:
        """The ``k`` best BM25 matches for ``query``, best first, scored (like ``search``) by cosine similarity."""
        self.sync()
        ids = self.keywords.search(query, k, filters)
        if not ids:
            return []
        try:
            got: Any = self._collection.get(ids=ids, include=["documents", "metadatas", "embeddings"])
        except Exception as exc:  # noqa: BLE001 - chromadb raises many types; all mean the same to a user
            raise StoreError(f"cannot read the index at {self.location}: {exc}") from None
        query_vector = np.asarray(self.embeddings.embed_query(query))
        vectors = np.asarray(got["embeddings"])
        scores = vectors @ query_vector / (np.linalg.norm(vectors, axis=1) * np.linalg.norm(query_vector) + 1e-12)
        found = {i: to_passage(i, text, meta, float(score))
                 for i, text, meta, score in zip(got["ids"], got["documents"], got["metadatas"], scores)}
        return [found[i] for i in ids if i in found]

    def similar(self, vector: np.ndarray, k: int, filters: Filters | None = None) -> list[Passage]:
        """The ``k`` chunks nearest ``vector`` (an article's, when placing it in a story), best first."""
        self.sync()
        try:
            got: Any = self._collection.query(query_embeddings=[np.asarray(vector, dtype=np.float32).tolist()],
                                              n_results=k, where=chroma_where(filters),
                                              include=["documents", "metadatas", "distances"])
        except Exception as exc:  # noqa: BLE001 - chromadb raises many types; all mean the same to a user
            raise StoreError(f"cannot search the index at {self.location}: {exc}") from None
        return [to_passage(i, text, meta, 1.0 - distance) for i, text, meta, distance
                in zip(got["ids"][0], got["documents"][0], got["metadatas"][0], got["distances"][0])]

    def passages(self, chunk_ids: Sequence[str]) -> list[Passage]:
        """The chunks with these ids that exist, in the order asked (score 0)."""
        found = {i: to_passage(i, text, meta, 0.0) for page in self._pages(["documents", "metadatas"], ids=chunk_ids)
                 for i, text, meta in zip(page["ids"], page["documents"] or [], page["metadatas"] or [])}
        return [found[i] for i in chunk_ids if i in found]

    def articles(self) -> Iterator[tuple[str, Article, np.ndarray]]:
        """Every stored article (its id, the article rebuilt from its chunks as far as they cover its text, and its
        chunks' vectors): how stories are rebuilt without embedding anything again. Reads the whole index a page at a
        time but holds every article until the end (about 2 KB and a vector each)."""
        parts: dict[str, dict[int, tuple[str, int, int, np.ndarray]]] = {}
        heads: dict[str, dict[str, Any]] = {}
        for page in self._pages(["documents", "metadatas", "embeddings"]):
            for text, meta, vector in zip(page["documents"] or [], page["metadatas"] or [], page["embeddings"]):
                article_id = meta["article_id"]
                parts.setdefault(article_id, {})[int(meta.get("ordinal", 0))] = (
                    text, int(meta.get("start", 0)), int(meta.get("end", 0)), np.asarray(vector, dtype=np.float32))
                if int(meta.get("ordinal", 0)) == 0:
                    heads[article_id] = meta
        for article_id, chunks in parts.items():
            meta = heads.get(article_id)
            if meta is None:  # its first chunk is missing: a torn write that ``repair`` will remove
                continue
            text = [" "] * max(end for _, _, end, _ in chunks.values())
            for piece, start, _end, _vector in chunks.values():
                text[start:start + len(piece)] = piece
            passage = to_passage(article_id + ":0", "", meta, 0.0)
            article = Article(title=passage.title, text="".join(text).strip(), url=passage.url, source=passage.source,
                              published_at=passage.published_at, authors=passage.authors, origin=passage.origin)
            yield article_id, article, np.stack([v for *_, v in (chunks[i] for i in sorted(chunks))])

    def count(self) -> int:
        """How many chunks the index holds (always current, but Chroma counts every record: 70 ms at 1M chunks)."""
        return self._collection.count()

    def is_empty(self) -> bool:
        """Whether the index holds no chunk. On disk, asked of the keyword index, which every writer keeps in step
        and which answers at once at any size (unlike ``count``). With a server, Chroma counts: the local keyword
        copy may be stale, and rebuilding it just to answer this would cost far more."""
        if self._server:
            return self.count() == 0
        self.keywords.ensure_current()
        return self.keywords.is_empty()

    def stats(self) -> IndexStats:
        self.sync()
        heads = self._heads()
        days = sorted(date.fromisoformat(m["published_at"]) for m in heads if m.get("published_at"))
        return IndexStats(
            articles=len(heads),
            chunks=self._collection.count(),
            sources=tuple(sorted({m["source"] for m in heads if m.get("source")})),
            oldest=days[0] if days else None,
            newest=days[-1] if days else None,
            embedding_model=self.embeddings.model_name,
            path=self.location,
        )


def _reload_chroma(client: Any) -> None:
    """Replace this process's Chroma system for ``client``'s folder by a freshly loaded one; clients made after
    this get it. Chroma (1.x) has no public call for this: it keeps one system per folder in
    ``SharedSystemClient``, so the registered one is swapped (the old one stays alive for calls still using it)."""
    from chromadb.api import ServerAPI
    from chromadb.api.shared_system_client import SharedSystemClient
    from chromadb.config import System
    from chromadb.telemetry.product import ProductTelemetryClient

    old = SharedSystemClient._identifier_to_system[client._identifier]
    system = System(old.settings)
    system.instance(ProductTelemetryClient)  # type: ignore[type-abstract]  # Chroma's own start-up does the same
    system.instance(ServerAPI)  # type: ignore[type-abstract]
    system.start()
    SharedSystemClient._identifier_to_system[client._identifier] = system








