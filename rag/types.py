"""The data that moves between stages: articles in, answers out. Frozen dataclasses, no behaviour beyond ids."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import date
from typing import Literal

from rag.errors import one_line


def _digest(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:20]


@dataclass(frozen=True)
class Article:
    """One news article. ``origin`` names the file (and line) it came from, for messages."""

    title: str
    text: str
    url: str = ""
    source: str = ""
    published_at: date | None = None
    authors: tuple[str, ...] = ()
    origin: str = ""
    summary: str = ""  # a feed's summary of it, indexed in its place should its body turn out to be site boilerplate

    @property
    def id(self) -> str:
        """Stable id: from the URL when there is one (so an edited article keeps its id), else from the content."""
        if self.url.strip():
            return _digest("url:" + self.url.strip())
        return _digest("content:" + self.title + "\n" + self.text)

    @property
    def content_hash(self) -> str:
        """Changes whenever anything we index changes; re-ingest compares it to skip unchanged articles."""
        parts = [self.title, self.text, self.url, self.source, str(self.published_at or ""), "|".join(self.authors)]
        return _digest("\x1f".join(parts))


@dataclass(frozen=True)
class Chunk:
    """A slice of an article's text: ``article.text[start:end] == text``."""

    article: Article
    ordinal: int
    text: str
    start: int
    end: int

    @property
    def id(self) -> str:
        return f"{self.article.id}:{self.ordinal}"


@dataclass(frozen=True)
class Passage:
    """A chunk as retrieved from the index, with its article's metadata and a relevance score (higher is better)."""

    chunk_id: str
    article_id: str
    text: str
    title: str
    source: str
    url: str
    published_at: date | None
    authors: tuple[str, ...]
    start: int
    end: int
    score: float  # cosine similarity to the question (dense search), whatever ranked the passage
    origin: str = ""  # the file the article was read from
    rerank_score: float | None = None  # the cross-encoder's relevance, when reranking is on (rag/retrieval/rerank.py)
    also_published_by: tuple[str, ...] = ()  # outlets that published a copy of its article (rag/stories)


@dataclass(frozen=True)
class Citation:
    """Source ``[number]`` of an answer: the passage it points at and the answer sentences that cite it."""

    number: int
    passage: Passage
    cited_by: tuple[str, ...] = ()

    @property
    def title(self) -> str:
        return self.passage.title

    @property
    def source(self) -> str:
        return self.passage.source

    @property
    def url(self) -> str:
        return self.passage.url

    @property
    def published_at(self) -> date | None:
        return self.passage.published_at


@dataclass(frozen=True)
class KeyPoint:
    """A sentence an open answer quotes from source ``[number]`` (with the sentence before it when it needs it):
    ``passage`` is that sentence as a slice of its article, with the article's title, outlet, date and URL."""

    number: int
    passage: Passage

    @property
    def text(self) -> str:
        return self.passage.text

    @property
    def published_at(self) -> date | None:
        return self.passage.published_at


@dataclass(frozen=True)
class Answer:
    """What the assistant says: text with [n] markers, the sources those markers point at, and all it retrieved.

    An open answer's ``text`` is its ``lead`` (the model's 1–3 checked sentences, "" when there is none) followed by
    its ``points``, one line each; a quiz answer's is its phrase and the quoted sentence that states it."""

    question: str
    text: str
    citations: tuple[Citation, ...]
    passages: tuple[Passage, ...]
    mode: str
    refused: bool = False
    short_answer: str = ""  # the phrase that answers a quiz question (a name, place, date, number); "" otherwise
    form: str = ""  # "quiz" (one fact: a phrase and its evidence) or "open" (key points and a lead): rag.question.form
    points: tuple[KeyPoint, ...] = ()  # an open answer's key points, in the order shown
    evidence: tuple[KeyPoint, ...] = ()  # a quiz answer's: the sentences most likely to state it, shown before it
    lead: str = ""  # an open answer's checked lead sentences
    not_given: str = ""  # what the articles do not give of what was asked ("The articles do not give …"), if anything
    stories: tuple[Story, ...] = ()  # a briefing's stories (form "brief"), with their points; else its sources'
    suggestions: tuple[str, ...] = ()  # questions to ask next, drawn from its story (rag.answering.suggestions)


@dataclass(frozen=True)
class StoryArticle:
    """One article of a story. ``copy_of`` is the id of the article it (nearly) repeats, "" for an original."""

    article_id: str
    title: str
    source: str
    url: str
    published_at: date | None
    copy_of: str = ""


@dataclass(frozen=True)
class Story:
    """An event as reported by one or more outlets: its headline (its most central article's title), its articles
    (the headline's first, then the others oldest first), the days it was first and last reported, and, in a
    briefing, its key points quoted and cited."""

    id: int
    title: str
    articles: tuple[StoryArticle, ...]
    first_seen: date | None
    last_seen: date | None
    points: tuple[KeyPoint, ...] = ()

    @property
    def outlets(self) -> tuple[str, ...]:
        """The outlets that carry it, most articles first."""
        counts: dict[str, int] = {}
        for article in self.articles:
            if article.source:
                counts[article.source] = counts.get(article.source, 0) + 1
        return tuple(sorted(counts, key=lambda s: -counts[s]))

    @property
    def originals(self) -> tuple[StoryArticle, ...]:
        """Its articles less the copies of others."""
        return tuple(a for a in self.articles if not a.copy_of)


@dataclass(frozen=True)
class Briefing:
    """The biggest stories of a window (``since`` to ``until``, both None: every story), about ``topic`` when one is
    named. ``note`` says how the window was chosen when it was not asked for."""

    stories: tuple[Story, ...]
    since: date | None = None
    until: date | None = None
    topic: str = ""
    note: str = ""


@dataclass(frozen=True)
class LoadProblem:
    """An input that was skipped, and why. ``str()`` gives the one line shown to the user."""

    path: str
    reason: str
    line: int | None = None

    def __str__(self) -> str:
        where = f"{self.path}:{self.line}" if self.line is not None else self.path
        return one_line(f"{where}: {self.reason}")


@dataclass(frozen=True)
class Boilerplate:
    """A page set aside as its site's boilerplate (``rag.indexing.boilerplate``): ``where`` it was read from, its
    title, and how many pages of ``site`` carry the same text. ``kept_summary``: its feed's summary is indexed in its
    place."""

    where: str
    title: str
    site: str
    pages: int
    kept_summary: bool = False

    def __str__(self) -> str:
        kept = "its title and the feed's summary kept" if self.kept_summary else "its text kept out of search"
        return one_line(f"{self.where}: site boilerplate, not an article (the same text as {self.pages - 1} other "
                        f"page(s) of {self.site} under different titles; {kept}): {self.title[:80]}")


@dataclass(frozen=True)
class IngestReport:
    """What an ingest did, for the CLI summary and for callers."""

    articles_added: int = 0
    articles_updated: int = 0
    articles_unchanged: int = 0
    chunks_added: int = 0
    chunks_removed: int = 0
    seconds: float = 0.0  # the whole run
    model_seconds: float = 0.0  # of which loading the embedding model (on the first new chunk)
    story_seconds: float = 0.0  # of which placing articles in stories (rag.stories)
    articles_removed: int = 0  # by --prune
    chunks_repaired: int = 0  # stray chunks an interrupted earlier write left, removed first
    problems: tuple[LoadProblem, ...] = field(default_factory=tuple)
    boilerplate: tuple[Boilerplate, ...] = ()  # pages found to be site boilerplate in this run

    @property
    def articles_seen(self) -> int:
        return self.articles_added + self.articles_updated + self.articles_unchanged

    @property
    def chunks_per_second(self) -> float:
        """Indexing speed: new chunks over the run's time without loading the model (a one-off per process)."""
        working = self.seconds - self.model_seconds
        return self.chunks_added / working if working > 0 else 0.0


@dataclass(frozen=True)
class Filters:
    """Narrow retrieval to some sources and/or a date range (inclusive; undated articles fail a date range).

    ``as_of`` asks the question as it stood on that day: articles published later are ignored, undated ones kept.
    ``around`` filters nothing: it ranks articles published near that day higher (news questions are usually
    about one week's events). It defaults to ``as_of``.
    """

    sources: tuple[str, ...] = ()
    date_from: date | None = None
    date_to: date | None = None
    as_of: date | None = None
    around: date | None = None

    @property
    def preferred_day(self) -> date | None:
        return self.around or self.as_of

    def conditions(self) -> tuple[Condition, ...]:
        """The rules a chunk must pass, in no store's syntax: each index translates them (``rag.stores.chroma`` into
        Chroma's ``where``, ``rag.stores.keywords`` into SQL), so both sides of a hybrid search filter alike."""
        rules: list[Condition] = []
        if self.sources:
            rules.append(Condition("source", "in", tuple(self.sources)))
        if self.date_from:
            rules.append(Condition("day", ">=", day_number(self.date_from)))
        if self.date_to:
            rules += [Condition("day", ">", 0), Condition("day", "<=", day_number(self.date_to))]  # undated fail
        if self.as_of:
            rules.append(Condition("day", "<=", day_number(self.as_of)))
        return tuple(rules)


@dataclass(frozen=True)
class Condition:
    """One filter rule: ``field op value``. ``field`` is ``source`` (the outlet) or ``day`` (``day_number`` of the
    publication date, 0 when undated); ``op`` is ``in`` (a tuple of values), ``>=``, ``<=`` or ``>``."""

    field: Literal["source", "day"]
    op: Literal["in", ">=", "<=", ">"]
    value: int | tuple[str, ...]


def day_number(day: date | None) -> int:
    """A date as the integer YYYYMMDD (0 for none), so Chroma can compare dates with $gte / $lte."""
    return int(day.strftime("%Y%m%d")) if day else 0


@dataclass(frozen=True)
class IndexStats:
    """What is in an index, for ``newsrag stats`` and the UI."""

    articles: int
    chunks: int
    sources: tuple[str, ...]
    oldest: date | None
    newest: date | None
    embedding_model: str
    path: str


@dataclass(frozen=True)
class FeedResult:
    """One feed's refresh: ``error`` is its one line when it failed (nothing of it was stored then)."""

    url: str
    name: str = ""
    not_modified: bool = False  # the server answered 304: no item was looked at
    items: int = 0  # items in the feed
    fetched: int = 0  # new or changed items whose pages were fetched
    from_summary: int = 0  # of which the feed's summary stood in for a page that failed
    report: IngestReport | None = None
    problems: tuple[str, ...] = ()  # items that gave no article
    error: str = ""

    @property
    def ok(self) -> bool:
        return not self.error

    def line(self) -> str:
        """The refresh's one line for this feed."""
        label = self.name or self.url
        if self.error:
            return one_line(f"✗ {label}: {self.error}")
        if self.not_modified:
            return one_line(f"✓ {label}: not modified since the last refresh")
        report = self.report or IngestReport()
        text = (f"✓ {label}: {self.items} items, {self.fetched} new or changed: {report.articles_added} added, "
                f"{report.articles_updated} updated, {report.articles_unchanged} unchanged")
        if self.from_summary:
            text += f" ({self.from_summary} from the feed's summary: the page could not be read)"
        if report.boilerplate:
            text += f"; {len(report.boilerplate)} page(s) set aside as site boilerplate"
        if self.problems:
            text += f"; {len(self.problems)} item(s) skipped"
        return one_line(text)


@dataclass(frozen=True)
class RefreshReport:
    feeds: tuple[FeedResult, ...] = ()
    seconds: float = 0.0

    @property
    def failed(self) -> tuple[FeedResult, ...]:
        return tuple(f for f in self.feeds if not f.ok)

    @property
    def articles_added(self) -> int:
        return sum(f.report.articles_added for f in self.feeds if f.report)

    @property
    def articles_updated(self) -> int:
        return sum(f.report.articles_updated for f in self.feeds if f.report)


Message = dict[str, str]  # {"role": "user" | "assistant", "content": "..."}, the format chat UIs use


@dataclass(frozen=True)
class Retrieved:
    """First event of ``NewsAssistant.stream``: the sources the answer will be written from, numbered [1], [2] … in
    order, one passage per article."""

    passages: tuple[Passage, ...]


@dataclass(frozen=True)
class KeyPoints:
    """An open answer's key points, yielded as soon as they are chosen (before the model's lead); ``not_given`` says
    which detail the question asks for the articles do not give ("The articles do not give …"), if any. For a quiz
    answer (``form`` "quiz") they are its evidence: the sentences most likely to state the answer, shown while the
    model names it, marked as evidence, not as the answer."""

    points: tuple[KeyPoint, ...]
    not_given: str = ""
    form: str = ""  # the form of the answer they belong to ("open", "outlets", "brief", "quiz"): how they are laid out


StreamEvent = Retrieved | KeyPoints | str | Answer
