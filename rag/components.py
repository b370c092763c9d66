"""What an assistant is built from, each made on first use: the embedder, the store, the chat model, the reranker,
the answerers, the web reader, the feed list and the page registry. Nothing heavy loads before it is needed, so
``import rag`` and ``NewsAssistant()`` are instant; ``NewsAssistant.warm_up`` loads ahead of the first question.
"""

from __future__ import annotations

from dataclasses import replace
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any

from rag.config import Settings
from rag.errors import StoreError
from rag.question import OPEN, OUTLETS, QUIZ, TIMELINE

if TYPE_CHECKING:  # heavy modules load lazily, on first use
    from langchain_core.language_models import BaseChatModel

    from rag.answering.answerer import Answerer
    from rag.indexing.boilerplate import PageRegistry
    from rag.models.cross_encoder import CrossEncoder
    from rag.models.embeddings import NewsEmbeddings
    from rag.retrieval.retriever import NewsRetriever
    from rag.sources.feeds import FeedList
    from rag.sources.web import WebReader
    from rag.stores.index import Index
    from rag.stories.placing import StoryPlacer
    from rag.stories.store import StoryStore


STORY_ARTICLES = 6  # other articles of a story a timeline or an outlet comparison reads (their opening chunks)
EVIDENCE_SENTENCES = 2  # sentences a quiz answer shows first as its evidence (rag.answering.quiz)
EVIDENCE_WORDS = 90  # the most words they hold together


class Components:
    """The parts of a ``NewsAssistant``, built from its settings on first use and kept (``cached_property``). How
    the settings are found: ``NewsAssistant``."""

    def __init__(self, index_dir: str | Path | None = None, settings: Settings | None = None,
                 embeddings: Any = None, **overrides: Any) -> None:
        self.settings = settings or Settings.load(index_dir=index_dir, **overrides)
        if embeddings is not None:  # the caller's embedder instead of settings.embedding_model (see ``embeddings``)
            self.__dict__["embeddings"] = embeddings

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

    def retriever(self, **changes: Any) -> NewsRetriever:
        """The LangChain retriever these settings describe (``changes`` override its fields)."""
        from rag.retrieval.retriever import NewsRetriever

        stories = self.story_store if self.settings.stories else None
        return NewsRetriever.from_settings(self.index, self.settings, self.reranker, stories=stories, **changes)

    @cached_property
    def reranker(self) -> CrossEncoder | None:  # None unless settings.rerank
        from rag.models.cross_encoder import load_cross_encoder

        return load_cross_encoder(self.settings.rerank_tokens) if self.settings.rerank else None

    @cached_property
    def answerers(self) -> dict[str, Answerer]:
        """One answerer per form of question (``rag.question.form``), for this assistant's mode, one for how
        outlets report a story (``OUTLETS``) and one for timelines (``TIMELINE``: an open answer that reads
        ``STORY_ARTICLES`` more chunks, its story's other articles, for dated points across its days)."""
        from rag.answering.key_points import SENTENCE_TOKENS, KeyPointSelector
        from rag.answering.open import OpenAnswerer
        from rag.answering.outlets import OutletsAnswerer
        from rag.answering.quoting import QuotingAnswerer
        from rag.models.cross_encoder import load_cross_encoder

        s = self.settings
        select = KeyPointSelector(load_cross_encoder(SENTENCE_TOKENS), s.key_points, s.key_point_words,
                                  max(s.point_chunks, s.top_k))
        outlets = OutletsAnswerer(select)
        wide = KeyPointSelector(select.model, s.key_points, s.key_point_words, select.max_chunks + STORY_ARTICLES)
        if self.chat_model is None:
            return {QUIZ: QuotingAnswerer(self.embeddings), OPEN: OpenAnswerer(None, select), OUTLETS: outlets,
                    TIMELINE: OpenAnswerer(None, wide)}
        from rag.answering.quiz import QuizAnswerer
        from rag.answering.windows import PassageFocuser

        lead = self._lead_chat_model if s.open_lead else None
        focus = PassageFocuser(self.embeddings, s.llm_passages, s.passage_words)
        evidence = KeyPointSelector(select.model, EVIDENCE_SENTENCES, EVIDENCE_WORDS, s.llm_passages)
        return {QUIZ: QuizAnswerer(self.chat_model, focus, evidence),
                OPEN: OpenAnswerer(lead, select), OUTLETS: outlets, TIMELINE: OpenAnswerer(lead, wide)}

    @cached_property
    def pages(self) -> PageRegistry:
        """Every page ingested, by site, with its body's signature: how site boilerplate is told from articles
        (``pages.sqlite3`` in the index folder)."""
        from rag.indexing.boilerplate import PageRegistry

        return PageRegistry(self.settings.index_dir)

    @cached_property
    def story_store(self) -> StoryStore:
        """Which articles report the same event (``stories.sqlite3`` in the index folder; ``rag.stories``)."""
        from rag.stories.store import StoryStore

        return StoryStore(self.settings.index_dir)

    @property
    def story_placer(self) -> StoryPlacer | None:
        """What places each article written in a story: None when ``settings.stories`` is off."""
        return self._placer() if self.settings.stories else None

    def _placer(self) -> StoryPlacer:
        from rag.stories.placing import StoryPlacer, StoryRules, index_neighbours

        rules = StoryRules(window_days=self.settings.story_window_days, threshold=self.settings.story_threshold)
        return StoryPlacer(self.story_store, index_neighbours(self.index), rules)

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

    def _require_index(self) -> None:
        if not self.settings.chroma_host and not (self.settings.index_dir / "chroma.sqlite3").is_file():
            raise StoreError(f"no index at {self.settings.index_dir} yet: build one with newsrag ingest PATH "
                             "(or NewsAssistant.ingest), or point --index / NEWSRAG_INDEX_DIR at an existing one")
