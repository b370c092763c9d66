"""Hypothesis against the parts of stories that read arbitrary text: the reading of a briefing question, the word
counts and MinHash signatures, and the story store and placer given hostile titles and outlets (very long, control
characters, NUL, bidi marks, emoji, SQL) through the real ingest path into a real index."""

from __future__ import annotations

import itertools
import json
from datetime import date

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from rag import NewsAssistant, Settings, briefing_dict, briefing_text, coverage, story_dict
from rag.indexing.chunking import Chunker
from rag.indexing.ingest import ingest_loaded
from rag.question import BriefingRequest, briefing_request
from rag.stories.signals import PERMUTATIONS, cosine, normalised, resemblance, signature, term_counts, weigh
from rag.types import Article

FUZZ = settings(max_examples=200, deadline=None)
SLOW_FUZZ = settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.too_slow])



SPANS = ["today", "tonight", "yesterday", "this week", "the past week", "the last month", "the past few days",
         "lately", "recently", "so far", "this month"]
OPENINGS = ["What happened", "What's new", "So what is going on", "Catch me up on", "Top stories about",
            "Give me the briefing on", "Brief me on", "What are the main stories about", "Headlines for"]


@st.composite
def briefing_like(draw: st.DrawFn) -> str:
    """Questions near the briefing patterns: their openings and spans, any topic, any count of days in any script's
    digits."""
    digits = draw(st.text(st.characters(categories=["Nd"]), min_size=1, max_size=12))
    span = draw(st.sampled_from([*SPANS, f"the past {digits} days", f"the last {digits} days"]))
    topic = draw(st.text(max_size=40))
    return draw(st.sampled_from([f"{draw(st.sampled_from(OPENINGS))} {topic} {span}?",
                                 f"{draw(st.sampled_from(OPENINGS))} {span}", f"{topic} {span}", topic]))


@FUZZ
@given(st.one_of(st.text(), briefing_like()))
@example("What happened the past 0 days?")
@example("What happened the past 99999999999999999999999 days?")
@example("What happened the past ٣٦٦ days?")
@example("Catch me up" + "!" * 5000)
def test_briefing_request_never_raises_and_asks_for_1_to_365_days(question):
    request = briefing_request(question)
    assert request is None or isinstance(request, BriefingRequest)
    if request is not None:
        assert 1 <= request.days <= 365
        assert isinstance(request.topic, str) and request.topic == request.topic.strip(" ?.!")


def test_briefing_request_survives_a_number_of_more_than_4300_digits():
    request = briefing_request("What happened the past " + "9" * 5000 + " days?")
    assert request is not None and request.days == 365


@pytest.mark.parametrize(("question", "request_"), [
    ("What happened this week?", BriefingRequest(days=7)),
    ("What happened yesterday?", BriefingRequest(days=1, yesterday=True)),
    ("What happened the past 3 days?", BriefingRequest(days=3)),
    ("Biggest news of the past month", BriefingRequest(days=30)),
    ("Top stories from the past week", BriefingRequest(days=7)),
    ("What are the main stories about the Marnavik earthquake?", BriefingRequest(topic="Marnavik earthquake")),
    ("Catch me up on the earthquake from the past 3 days", BriefingRequest(days=3, topic="earthquake")),
    ("What happened in Marnavik?", None),  # a subject: a question for the passages
    ("What happened to the euro this week?", None),
    ("What are the top stories of the week?", BriefingRequest(days=7)),
    ("Top stories of the day", BriefingRequest(days=1)),
    ("Top stories in the last 3 days", BriefingRequest(days=3)),
    ("Give me a briefing on the strike for the past 3 days", BriefingRequest(days=3, topic="strike")),
])
def test_briefing_questions_are_read_for_their_days_and_topic(question, request_):
    assert briefing_request(question) == request_


@FUZZ
@given(st.text(), st.text())
@example("", "")
@example("\x00\x01\x02", "\u202e\u200b\ufeff")
@example("🌋" * 300, "Ⅻ ½ ² ٣ ⁵ 𝟘 ǅ ß ﬁ İ")
def test_signals_never_raise_and_a_text_resembles_itself_fully(title, text):
    counts = term_counts(title, text)
    assert all(len(t) >= 2 and c > 0 for t, c in counts.items())
    mark = signature(title + "\n" + text)
    assert mark.shape == (PERMUTATIONS,) and str(mark.dtype) == "uint64"
    assert resemblance(mark, mark) == 1.0
    assert resemblance(mark, signature(title + "\n" + text)) == 1.0  # the same in any process: seeded, not salted
    other = signature(text + " " + title)
    assert 0.0 <= resemblance(mark, other) == resemblance(other, mark) <= 1.0
    weights = weigh(counts, {t: 1 for t in counts}, 10)
    assert all(w == w for w in weights.values())  # no NaN
    if weights:
        assert cosine(weights, weights) == pytest.approx(1.0)
        assert cosine(weights, normalised({t: 2 * w for t, w in weights.items()})) == pytest.approx(1.0)


# --- hostile titles through the real ingest path --------------------------------------------------------------------
HOSTILE = st.one_of(
    st.text(max_size=200),
    st.text(min_size=1, max_size=12).map(lambda s: s * 5000),  # very long
    st.text(st.characters(categories=["Cc", "Cf", "Zl", "Zp", "Zs"]), max_size=50),  # control, format, bidi, spaces
    st.text(st.characters(min_codepoint=0x1F300, max_codepoint=0x1FAFF), max_size=50),  # emoji
    st.sampled_from(["", " ", "\x00", "'; DROP TABLE articles; --", "<script>alert(1)</script>", "\u202eevil",
                     "a\nb\rc\td", "%s %d {0} {title}", "\\x00 \\u0000", "?" * 900, "(untitled)"]),
)
BODY = ("Officials in the harbour town of Kessel said on Monday that the old swing bridge would close for six weeks "
        "of repairs after engineers found corrosion in its turning gear. Ferries will carry cyclists across.")
_numbers = itertools.count()


@pytest.fixture(scope="module")
def hostile(tmp_path_factory: pytest.TempPathFactory) -> tuple[NewsAssistant, Chunker]:
    assistant = NewsAssistant(settings=Settings(index_dir=tmp_path_factory.mktemp("hostile") / "index",
                                                mode="extractive"))
    return assistant, Chunker.from_settings(assistant.settings)


@SLOW_FUZZ
@given(title=HOSTILE, source=HOSTILE, text=st.sampled_from([BODY, BODY.replace("six", "eight")]))
def test_hostile_titles_and_outlets_are_placed_and_listed_without_error(hostile, title, source, text):
    assistant, chunker = hostile
    number = next(_numbers)
    day = date(2024, 5, 1 + number % 28)
    article = Article(title=title, text=f"{text} Report {number}.", url=f"https://hostile.example/{number}",
                      source=source, published_at=day)
    report = ingest_loaded([("hostile", [article])], assistant.index, chunker, stories=assistant.story_placer)
    assert report.articles_added == 1 and not report.problems
    placed = assistant.story_store.articles([article.id])[article.id]
    assert (placed.title, placed.source, placed.url, placed.published_at) == (title, source, article.url, day)
    [story] = [s for s in assistant.stories(since=day, until=day, limit=100)
               if article.id in {a.article_id for a in s.articles}]
    assert story.title == (story.articles[0].title or "(untitled)")
    json.dumps(story_dict(story))
    coverage(story)
    briefing = assistant.brief(since=day, until=day, limit=100)
    assert story.id in {s.id for s in briefing.stories}
    briefing_text(briefing)
    json.dumps(briefing_dict(briefing))
