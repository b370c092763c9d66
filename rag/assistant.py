"""``NewsAssistant``: the Python API that ties loading, indexing, retrieval and answering together.

>>> from rag import NewsAssistant
>>> assistant = NewsAssistant(index_dir="index")
>>> assistant.ingest(["seeds/"])
>>> answer = assistant.ask("Where did the clashes erupt?")
>>> print(answer.text)
>>> for c in answer.citations:
...     print(c.number, c.title, c.url)
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, replace
from datetime import date
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any

from rag.config import Settings
from rag.errors import InputError, StoreError
from rag.types import (Answer, Article, FeedResult, Filters, IndexStats, IngestReport, KeyPoint, KeyPoints, LoadProblem,
                       Message, Passage, RefreshReport, Retrieved, StreamEvent)

if TYPE_CHECKING:  # heavy modules load lazily, on first use
    from langchain_core.language_models import BaseChatModel
    from langchain_core.runnables import Runnable

    from rag.answering.answerers import Answerer
    from rag.indexing.boilerplate import PageRegistry
    from rag.models.cross_encoder import CrossEncoder
    from rag.models.embeddings import NewsEmbeddings
    from rag.retrieval.retriever import NewsRetriever
    from rag.sources.feeds import FeedList
    from rag.sources.web import WebReader
    from rag.stores.index import Index

MAX_QUESTION_CHARS = 2000  # a question, not a document: longer input only slows every stage and crowds the context




class NewsAssistant:
    """Answers questions about a news corpus with cited passages. Models load on first use, not on creation.

    Settings come from ``settings`` (or ``Settings.load()``: config file and ``NEWSRAG_*`` environment), and any
    keyword in ``overrides`` (e.g. ``index_dir="my-index"``, ``top_k=8``) wins over both.
    """

    def __init__(self, index_dir: str | Path | None = None, settings: Settings | None = None,
                 embeddings: Any = None, **overrides: Any) -> None:
        self.settings = settings or Settings.load(index_dir=index_dir, **overrides)
        if embeddings is not None:  # the caller's embedder instead of settings.embedding_model (see ``embeddings``)
            self.__dict__["embeddings"] = embeddings

    def with_settings(self, **changes: Any) -> NewsAssistant:
        """An assistant over the same index with some settings changed (``mode``, ``top_k`` …), sharing the models
        and the store this one has loaded: how the UI answers each request with the options it was given."""
        if changes.keys() & {"index_dir", "embedding_model"}:
            raise ValueError("with_settings shares this assistant's index and embedder; for another index or "
                             "embedding model make a new NewsAssistant")
        other = NewsAssistant(settings=replace(self.settings, **changes))
        for shared in ("embeddings", "index"):
            if shared in self.__dict__:
                other.__dict__[shared] = self.__dict__[shared]
        return other

    @cached_property
    def embeddings(self) -> NewsEmbeddings:  # lazy: importing torch takes seconds
        """The embedder: ``settings.embedding_model``, or one passed to the constructor (a LangChain ``Embeddings``
        with a ``model_name``, which the index records; benchmarks of the store pass a cheap one)."""
        from rag.models.embeddings import NewsEmbeddings

        return NewsEmbeddings.from_settings(self.settings)

    @cached_property
    def index(self) -> Index:
        from rag.stores.chroma import ChromaServer, NewsIndex

        server = None
        if self.settings.chroma_host:
            server = ChromaServer(self.settings.chroma_host, self.settings.chroma_port, self.settings.chroma_ssl,
                                  self.settings.chroma_header_map(), self.settings.chroma_collection)
        return NewsIndex(self.settings.index_dir, self.embeddings, server)

    @cached_property
    def chat_model(self) -> BaseChatModel | None:  # None in extractive mode
        if self.settings.mode == "extractive":
            return None
        from rag.models.llm import chat_model  # not imported in extractive mode: langchain's chat classes take ~1.5 s

        return chat_model(self.settings)

    @cached_property
    def _lead_chat_model(self) -> BaseChatModel:  # the same model, allowed an open answer's 1-3 lead sentences
        from rag.models.llm import chat_model

        return chat_model(replace(self.settings, max_tokens=self.settings.lead_max_tokens))

    def search(self, query: str, k: int | None = None, filters: Filters | None = None) -> list[Passage]:
        """The ranking retrieval produces (hybrid or dense, reranked or not, as configured), best first, with no
        relevance floor."""
        return self.retriever(min_relevance=-1.0, k=k or self.settings.top_k).passages(query, filters)

    def retriever(self, **changes: Any) -> NewsRetriever:
        """The LangChain retriever these settings describe (``changes`` override its fields)."""
        from rag.retrieval.retriever import NewsRetriever

        return NewsRetriever.from_settings(self.index, self.settings, self.reranker, **changes)

    @cached_property
    def reranker(self) -> CrossEncoder | None:  # None unless settings.rerank
        from rag.models.cross_encoder import load_cross_encoder

        return load_cross_encoder(self.settings.rerank_tokens) if self.settings.rerank else None

    def answerer(self, question: str) -> Answerer:
        """The answerer for this question's form (``rag.answering.answerers.question_form``) and this assistant's mode."""
        from rag.answering.answerers import question_form

        return self._answerers[question_form(question)]

    @cached_property
    def _answerers(self) -> dict[str, Answerer]:
        from rag.answering.answerers import OPEN, QUIZ, OpenAnswerer, QuizAnswerer, QuotingAnswerer
        from rag.answering.selection import SENTENCE_TOKENS, SentenceSelector
        from rag.models.cross_encoder import load_cross_encoder

        s = self.settings
        select = SentenceSelector(load_cross_encoder(SENTENCE_TOKENS), s.key_points, s.key_point_words,
                                  max(s.point_chunks, s.top_k))
        if self.chat_model is None:
            return {QUIZ: QuotingAnswerer(self.embeddings), OPEN: OpenAnswerer(None, select)}
        from rag.answering.focus import PassageFocuser

        lead = self._lead_chat_model if s.open_lead else None
        return {QUIZ: QuizAnswerer(self.chat_model, PassageFocuser(self.embeddings, s.llm_passages, s.passage_words)),
                OPEN: OpenAnswerer(lead, select)}

    def _chain(self, answerer: Answerer) -> Runnable:
        """Retrieval, the answerer's reading of the passages, then its writer: one LCEL chain per answerer."""
        from rag.answering.answerers import OPEN
        from rag.answering.chain import build_chain

        depth = self.settings.point_chunks if answerer.form == OPEN else self.settings.top_k
        retriever = self.retriever(k=max(depth, self.settings.top_k))
        return build_chain(lambda x: retriever.passages(x["search"], x["filters"]),
                           lambda x: answerer.read(x["query"], x["passages"]), answerer.writer)

    def ingest(self, paths: Iterable[str | Path], progress: bool | None = None,
               on_problem: Callable[[LoadProblem], None] | None = None, prune: bool = False) -> IngestReport:
        """Add files, folders, globs or http(s) URLs (an article page, or a feed whose items' pages are read) to the
        index; unchanged articles are skipped, changed ones replaced. ``prune`` also removes articles whose files
        under ``paths`` no longer hold them."""
        from rag.indexing.chunking import Chunker
        from rag.indexing.ingest import ingest

        chunker = Chunker.from_settings(self.settings)
        return ingest(paths, self.index, chunker, progress=progress, on_problem=on_problem, prune=prune,
                      reader=self.web_reader, pages=self.pages)

    @cached_property
    def pages(self) -> PageRegistry:
        """Every page ingested, by site, with its body's signature: how site boilerplate is told from articles
        (``pages.sqlite3`` in the index folder)."""
        from rag.indexing.boilerplate import PageRegistry

        return PageRegistry(self.settings.index_dir)

    @cached_property
    def web_reader(self) -> WebReader:
        """How pages and feeds are fetched: the settings' limits (timeouts, size, private addresses, items)."""
        from rag.sources.fetch import Fetcher, FetchPolicy
        from rag.sources.web import WebReader

        s = self.settings
        policy = FetchPolicy(allow_private=s.allow_private_urls, timeout=s.fetch_timeout,
                             connect_timeout=min(10.0, s.fetch_timeout), max_bytes=int(s.fetch_max_mb * 2**20))
        return WebReader(Fetcher(policy), max_items=s.feed_max_items)

    @cached_property
    def feeds(self) -> FeedList:
        """The feeds this index follows (``feeds.sqlite3`` in the index folder)."""
        from rag.sources.feeds import FeedList

        return FeedList(self.settings.index_dir)

    def subscribe(self, url: str, name: str = "") -> FeedResult:
        """Follow a feed and fetch it now. A URL that is not a feed, or cannot be fetched, is not kept: raises
        ``InputError`` with the one-line reason."""
        known = {s.url for s in self.feeds.all()}
        subscription = self.feeds.add(url, name)
        try:
            [result] = self.refresh(only=[subscription.url]).feeds
        except BaseException:  # interrupted, or a fault: a feed that was never fetched is not left followed
            if subscription.url not in known:
                self.feeds.remove(subscription.url)
            raise
        if not result.ok and subscription.url not in known:
            self.feeds.remove(subscription.url)
            raise InputError(f"{url}: {result.error}; not subscribed")
        return result

    def unsubscribe(self, url: str, remove_articles: bool = False) -> int:
        """Stop following a feed; with ``remove_articles`` also remove the articles that came through it. Returns
        how many articles were removed."""
        subscription = self.feeds.remove(url)
        if not remove_articles:
            return 0
        with self.index.writing():
            try:
                ids = self.index.find_articles([subscription.url])
            except InputError:  # nothing came through it
                ids = []
            self.index.remove(ids)
            self.pages.forget(ids)
        return len(ids)

    def refresh(self, only: Sequence[str] | None = None, on_feed: Callable[[FeedResult], None] | None = None,
                progress: bool = False) -> RefreshReport:
        """Fetch every followed feed (or those in ``only``) and index its new and changed items; each feed's failure
        is its own one-line ``FeedResult.error`` and stops nothing else (``rag.sources.feeds.refresh``)."""
        from rag.indexing.chunking import Chunker
        from rag.indexing.ingest import ingest_loaded
        from rag.sources.feeds import refresh

        chunker = Chunker.from_settings(self.settings)

        def store(url: str, items: list[Article | LoadProblem]) -> IngestReport:
            return ingest_loaded([(url, items)], self.index, chunker, progress=progress, pages=self.pages)

        return refresh(self.feeds, self.web_reader, store, only=only, on_feed=on_feed)

    def remove(self, targets: Iterable[str]) -> int:
        """Remove articles by id, URL, or the file or folder they were read from; returns how many went."""
        with self.index.writing():
            ids = self.index.find_articles(list(targets))
            self.index.remove(ids)
            self.pages.forget(ids)
        return len(ids)

    def stats(self) -> IndexStats:
        """What the index holds. Reading a folder that holds no index yet is an error, not a new empty index."""
        self._require_index()
        return self.index.stats()

    def _require_index(self) -> None:
        if not self.settings.chroma_host and not (self.settings.index_dir / "chroma.sqlite3").is_file():
            raise StoreError(f"no index at {self.settings.index_dir} yet: build one with newsrag ingest PATH "
                             "(or NewsAssistant.ingest), or point --index / NEWSRAG_INDEX_DIR at an existing one")

    def ask(self, question: str, history: Sequence[Message] | None = None, filters: Filters | None = None,
            as_of: date | None = None, around: date | None = None) -> Answer:
        """Answer ``question`` from the index, citing the passages used. Refuses when nothing relevant is found.
        ``as_of`` answers as of that day: articles published after it are ignored. ``around`` (default: ``as_of``)
        prefers articles published near that day without ignoring any."""
        answer = None
        for event in self.stream(question, history=history, filters=filters, as_of=as_of, around=around):
            if isinstance(event, Answer):
                answer = event
        assert answer is not None  # stream always ends with an Answer
        return answer

    def stream(self, question: str, history: Sequence[Message] | None = None, filters: Filters | None = None,
               as_of: date | None = None, around: date | None = None) -> Iterator[StreamEvent]:
        """Yield ``Retrieved`` (the sources), for an open question ``KeyPoints``, then text pieces (``str``), each
        only once the grounding check has passed it, then the final ``Answer``. Nothing unchecked is yielded: a quiz
        answer's phrase comes whole, once checked; an open answer's lead sentence by sentence."""
        from rag.answering.citations import NOT_COVERED, cite

        question = " ".join((question or "").split())
        if not question:
            raise InputError("the question is empty")
        if len(question) > MAX_QUESTION_CHARS:
            raise InputError(f"the question is {len(question):,} characters long; the most is {MAX_QUESTION_CHARS:,}: "
                             "ask about one thing at a time, in a sentence or two")
        self._require_index()
        if self.index.is_empty():
            raise StoreError(f"the index at {self.settings.index_dir} is empty: add articles first "
                             "(newsrag ingest PATH, or NewsAssistant.ingest)")
        if as_of or around:
            base = filters or Filters()
            filters = replace(base, as_of=as_of or base.as_of, around=around or base.around)
        query = self.standalone_question(question, history)
        # A follow-up that names its subject is asked as it is, and searched for with the previous question beside it,
        # so the topic of the conversation still counts ("What did the army command announce?" after Aleppo).
        search = standalone_query(question, history) if history and query == question else query
        inputs: dict[str, Any] = {"question": question, "query": query, "search": search, "filters": filters}
        answerer = self.answerer(query)
        updates = iter(self._chain(answerer).stream(inputs))
        reading = next((u["reading"] for u in updates if "reading" in u), None)
        if reading is None or not reading.sources:
            yield Retrieved(())
            yield replace(cite(question, NOT_COVERED, (), self.settings.mode), form=answerer.form)
            return
        yield Retrieved(reading.sources)
        if reading.points:
            yield KeyPoints(reading.points, reading.missing)
        yield from answerer.answer(question, reading, (u["text"] for u in updates if "text" in u),
                                   self.settings.mode)

    def warm_up(self, instructions: bool = True, background: bool = False) -> threading.Thread | None:
        """Load the embedder and the chat model now, and with ``instructions`` have a local chat model read its fixed
        instructions (about 140 tokens for each form of answer and for the follow-up rewrite), so that the first
        question waits for neither. ``background`` does it in a thread, while the user types (the chat, the UI)
        or while the caller loads something else; a failure there is left for the question to report.
        Measured on 2 cores: a one-shot ``ask`` gains ~1 s by loading the chat model beside the embedder, and loses
        ~1 s by also reading the instructions then (both compete for the cores)."""
        if background:
            def quietly() -> None:
                try:
                    self.warm_up(instructions)
                except Exception:  # noqa: BLE001 - asking raises the same error, where the caller handles it
                    pass

            thread = threading.Thread(target=quietly, name="newsrag-warm-up", daemon=True)
            thread.start()
            return thread
        model: Any = self.chat_model
        if hasattr(model, "load"):  # a local model; an API has nothing to load
            model.load()
        answerers = self._answerers.values()  # loads the key points' cross-encoder too
        if hasattr(model, "load") and instructions:
            from rag.answering.generation import condense_messages

            for answerer in answerers:
                answerer.prime()
            model.prime(condense_messages("", []))
        self.embeddings.embed_query("warm-up")
        return None

    def standalone_question(self, question: str, history: Sequence[Message] | None) -> str:
        """The question to retrieve with: a follow-up that points back at the conversation ("Where did he go?")
        rewritten to stand alone by the chat model when there is one and its rewrite is a question, else joined to
        the previous question (enough for the embedder to find the same topic). A follow-up that names its
        subject is used as it is."""
        if not history:
            return question
        from rag.answering.generation import condense_question, needs_context

        if not needs_context(question):
            return question

        rewritten = condense_question(self.chat_model, question, history) if self.chat_model is not None else None
        return rewritten or standalone_query(question, history)


def standalone_query(question: str, history: Sequence[Message] | None) -> str:
    """The retrieval query for a follow-up: the previous question joined to this one, so "Where did he flee?"
    after a question about Assad still finds Assad. Plain concatenation needs no model and works for dense
    retrieval; an LLM-written rewrite can replace it where an LLM is configured."""
    previous = [m.get("content", "") for m in history or () if m.get("role") == "user"]
    return f"{previous[-1]} {question}" if previous else question
