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
from collections.abc import Iterator, Sequence
from dataclasses import replace
from datetime import date, timedelta
from typing import TYPE_CHECKING, Any

from rag.components import STORY_ARTICLES
from rag.corpus import Corpus
from rag.errors import InputError, StoreError
from rag.question import (
    OPEN,
    OUTLETS,
    TIMELINE,
    asks_for_timeline,
    asks_how_outlets_differ,
    briefing_request,
    form,
    needs_context,
)
from rag.retrieval.retriever import names_found
from rag.types import Answer, Briefing, Filters, KeyPoints, Message, Passage, Retrieved, Story, StreamEvent

if TYPE_CHECKING:
    from langchain_core.runnables import Runnable

    from rag.answering.answerer import Answerer

MAX_QUESTION_CHARS = 2000  # a question, not a document: longer input only slows every stage and crowds the context


class NewsAssistant(Corpus):
    """Answers questions about a news corpus with cited passages. Models load on first use, not on creation
    (``rag.components``); the corpus commands (ingest, feeds, remove, stats) are ``rag.corpus``'s.

    Settings come from ``settings`` (or ``Settings.load()``: config file and ``NEWSRAG_*`` environment), and any
    keyword in ``overrides`` (e.g. ``index_dir="my-index"``, ``top_k=8``) wins over both.
    """

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

    def search(self, query: str, k: int | None = None, filters: Filters | None = None) -> list[Passage]:
        """The ranking retrieval produces (hybrid or dense, reranked or not, as configured), best first, with no
        relevance floor."""
        return self.retriever(min_relevance=-1.0, k=k or self.settings.top_k).passages(query, filters)

    def answerer(self, question: str) -> Answerer:
        """The answerer for this question's form (``rag.question.form``) and this assistant's mode; a question
        about how outlets report something gets the outlet-by-outlet one."""
        if self.settings.stories and form(question) == OPEN and asks_how_outlets_differ(question):
            return self.answerers[OUTLETS]
        if form(question) == OPEN and asks_for_timeline(question):
            return self.answerers[TIMELINE]
        return self.answerers[form(question)]

    def _chain(self, answerer: Answerer) -> Runnable:
        """Retrieval, the answerer's reading of the passages, then its writer: one LCEL chain per answerer."""
        from rag.answering.answerer import build_chain

        depth = self.settings.point_chunks if answerer.form in (OPEN, OUTLETS) else self.settings.top_k
        timeline = answerer is self.answerers.get(TIMELINE)
        if timeline:  # it reads STORY_ARTICLES more chunks: its story's, or with no stories the next retrieved ones
            depth += STORY_ARTICLES
        retriever = self.retriever(k=max(depth, self.settings.top_k))

        def retrieve(x: dict[str, Any]) -> list[Passage]:
            found = retriever.passages(x["search"], x["filters"])
            if self.settings.stories and (answerer.form == OUTLETS or timeline):
                return self._with_story(found, width=depth, only_story=answerer.form == OUTLETS)
            return found

        return build_chain(retrieve, lambda x: answerer.read(x["query"], x["passages"]), answerer.writer)

    def _with_story(self, passages: list[Passage], width: int, articles: int = STORY_ARTICLES,
                    only_story: bool = False) -> list[Passage]:
        """The retrieved passages with the opening chunks of the other articles of their main story (the story most
        of the top five belong to), oldest first: a timeline's dated points and each outlet's report come from
        the whole story, across outlets and days, not only from what matched the words of the question.
        They go among the first ``width`` passages (what the answerer reads), after the best retrieved ones;
        ``only_story`` keeps the main story's passages alone (an outlet comparison is of one story)."""
        from rag.stories.listing import stories_of

        stories = stories_of(self.story_store, [p.article_id for p in passages[:5]])
        if not stories:
            return passages
        main = max(stories, key=lambda s: sum(p.article_id in {a.article_id for a in s.articles}
                                              for p in passages[:5]))
        have = {p.article_id for p in passages}
        others = sorted((a for a in main.originals if a.article_id not in have),
                        key=lambda a: a.published_at or date.max)
        if len(others) > articles:  # spread over the story's days, not its first ones
            step = len(others) / articles
            others = [others[int(i * step)] for i in range(articles)]
        added = self.index.passages([f"{a.article_id}:0" for a in others])
        if only_story:
            members = {a.article_id for a in main.articles}
            return [p for p in passages if p.article_id in members] + added
        keep = max(1, width - len(added))
        return [*passages[:keep], *added, *passages[keep:]]

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
        from rag.answering.briefing import briefing_answer
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
        request = briefing_request(question) if self.settings.stories and not history else None
        if request is not None:
            as_of = as_of or (filters.as_of if filters else None)
            day = (as_of or date.today()) - timedelta(days=1 if request.yesterday else 0)
            since, until = (filters.date_from, filters.date_to) if filters else (None, None)
            briefing = self.brief(since=since, until=until, topic=request.topic, days=request.days, as_of=day,
                                  today=as_of is None)
            answer = briefing_answer(question, briefing, self.settings.mode)
            yield Retrieved(answer.passages)
            if answer.points:
                yield KeyPoints(answer.points, form=answer.form)
            yield answer
            return
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
            yield KeyPoints(reading.points, reading.missing, answerer.form)
        for event in answerer.answer(question, reading, (u["text"] for u in updates if "text" in u),
                                     self.settings.mode):
            yield self._with_stories(event) if isinstance(event, Answer) else event

    def _with_stories(self, answer: Answer) -> Answer:
        """The answer with the stories of its sources (so front ends can group them, "3 outlets") and questions to
        ask next drawn from them."""
        if not self.settings.stories or not answer.citations:
            return answer
        from rag.answering.suggestions import suggestions
        from rag.stories.listing import stories_of

        found = stories_of(self.story_store, [c.passage.article_id for c in answer.citations])
        answer = replace(answer, stories=tuple(found))
        return replace(answer, suggestions=suggestions(answer))

    def brief(self, since: date | None = None, until: date | None = None, topic: str = "", limit: int | None = None,
              days: int = 7, as_of: date | None = None, today: bool = True) -> Briefing:
        """The biggest stories of a window, each with its key points quoted and cited (no chat model: about a
        second). The window is ``since``..``until``; a missing end is ``days`` from the other, and with neither the
        ``days`` up to ``as_of`` (default today). When the newest article is older than the window (``today``: the
        day was not chosen by the caller), the ``days`` up to the newest article are briefed instead, and
        ``Briefing.note`` says so. ``topic`` keeps the stories retrieval finds about it."""
        from rag.answering.briefing import with_points
        from rag.stories.listing import biggest_stories

        self._require_index()
        since, until, note = self._window(since, until, days, as_of, today)
        among = None
        if topic.strip():
            found = self.retriever(k=30).passages(topic, Filters(date_from=since, date_to=until))
            about = [p.article_id for p in found if p.score >= self.settings.min_relevance  # fusion has no floor
                     or names_found(f"on {topic}", [p])]  # a name it holds counts, as in retrieval ("on": a
            # topic's first word is a name too, not a question's opening word)
            among = sorted(set(self.story_store.stories_of(about).values()))
        stories = biggest_stories(self.story_store, since, until, limit or self.settings.brief_stories, among)
        return Briefing(tuple(with_points(stories, self.index)), since, until, topic.strip(), note)

    def stories(self, since: date | None = None, until: date | None = None, limit: int = 50) -> list[Story]:
        """The biggest stories with an article dated in the window (every story when no end is given): outlets,
        then articles, then the latest report. No key points: ``brief`` quotes them."""
        from rag.stories.listing import biggest_stories

        self._require_index()
        if since and not until:
            until = date.max
        return biggest_stories(self.story_store, since or (date.min if until else None), until, limit)

    def _window(self, since: date | None, until: date | None, days: int, as_of: date | None,
                today: bool) -> tuple[date | None, date | None, str]:
        span = timedelta(days=max(1, days) - 1)
        if since or until:
            until = until or (since + span if since else None)
            return since or (until - span if until else None), until, ""
        newest = self.story_store.newest_day()
        if newest is None:
            return None, None, ""  # no article is dated: every story
        until = as_of or date.today()
        latest = date.fromordinal(newest)
        if today and latest < until - span:
            return latest - span, latest, f"The newest articles are from {latest.isoformat()}."
        return until - span, until, ""

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
        answerers = self.answerers.values()  # loads the key points' cross-encoder too
        if hasattr(model, "load") and instructions:
            from rag.answering.prompts import condense_messages

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
        if not history or not needs_context(question):
            return question
        from rag.answering.follow_ups import condense_question

        rewritten = condense_question(self.chat_model, question, history) if self.chat_model is not None else None
        return rewritten or standalone_query(question, history)


def standalone_query(question: str, history: Sequence[Message] | None) -> str:
    """The retrieval query for a follow-up: the previous question joined to this one, so "Where did he flee?"
    after a question about Assad still finds Assad. Plain concatenation needs no model and works for dense
    retrieval; an LLM-written rewrite can replace it where an LLM is configured."""
    previous = [m.get("content", "") for m in history or () if m.get("role") == "user"]
    return f"{previous[-1]} {question}" if previous else question
