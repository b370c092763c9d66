"""Answers that know their story, in the chat: the sources panel groups an answer's sources under their story's
headline and coverage, a card names the outlets that ran a copy of its article, the questions an answer suggests
asking next are buttons one click from being asked in the same chat, and a "How do outlets differ on …?" answer
shows each outlet as a heading over its points.

Over a real index (real embeddings, extractive answers) of a small corpus written here: three outlets report one
dam breach on three days (the Morning Post also reprinting the National Wire's report), and four unrelated articles
stand alone (one with a hostile title and a ``javascript:`` address). Driven through the functions behind the chat
and through a headless Chromium that asks, clicks a suggestion and starts a new chat.
"""

from __future__ import annotations

import json
import re
from datetime import date
from html.parser import HTMLParser

import pytest
from browser import CHROMIUM, CHROMIUM_FLAGS, REQUIRE_BROWSER
from conftest import free_port
from test_stories_tab import DAM, OTHERS

from rag.types import Answer, Citation, KeyPoint, Passage, Story, StoryArticle
from ui.exchange import SUGGESTED, ask_suggested, chat, suggestion_buttons
from ui.options import Options
from ui.render import answer_html
from ui.sources import sources_html

# The Morning Post runs the National Wire's report a day later, word for word: a copy, folded into the original.
REPRINT = {**DAM[1], "source": "Morning Post", "url": "https://post.example/wire-valemont",
           "published_at": "2025-03-12"}
HEADLINE = "Flood waters breach river dam in Valemont"
OUTLETS = ("Valley Herald", "National Wire", "Morning Post")
EXTRACTIVE = Options(mode="extractive", top_k=5, date_from=None, date_to=None, sources=())
ASKED = "Why did the Valemont dam break?"


@pytest.fixture(scope="module")
def news(tmp_path_factory: pytest.TempPathFactory):
    """An assistant over a fresh index of the corpus above (read only by the tests)."""
    from rag import NewsAssistant

    folder = tmp_path_factory.mktemp("story-answers")
    corpus = folder / "news.jsonl"
    corpus.write_text("\n".join(json.dumps(a) for a in [*OTHERS, *DAM, REPRINT]) + "\n", encoding="utf-8")
    assistant = NewsAssistant(index_dir=folder / "index", mode="extractive")
    report = assistant.ingest([corpus], progress=False)
    assert report.articles_added == 8 and not report.problems and not report.boilerplate
    return assistant


@pytest.fixture(scope="module")
def dam_answer(news):
    """The question about the breach asked in a new chat: its last step (shown, history, panel, suggestions)."""
    *_, last = chat(news, ASKED, [], EXTRACTIVE)
    return last


class Panel(HTMLParser):
    """The sources panel read as a page: the cited sources' cards under each story header (its headline and coverage;
    None: outside any story), and each cited card's text. The folded, uncited passages are left out."""

    def __init__(self, page: str) -> None:
        super().__init__()
        self.groups: dict[str | None, list[int]] = {}
        self.cards: dict[int, str] = {}
        self._open: list[str] = []  # the class of each open div
        self._group: str | None = None
        self._card: int | None = None
        self._title = False
        self.feed(page)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag not in ("div", "details"):
            return
        found = dict(attrs)
        classes = found.get("class") or ""
        self._open.append(classes)
        if classes == "nr-group-title":
            self._title = True
        elif classes == "nr-card" and "nr-more" not in self._open:
            self._card = int((found.get("id") or "").removeprefix("nr-source-"))
            self.groups.setdefault(self._group, []).append(self._card)
            self.cards[self._card] = ""

    def handle_endtag(self, tag: str) -> None:
        if tag not in ("div", "details"):
            return
        closed = self._open.pop()
        if closed == "nr-group":
            self._group = None
        elif closed == "nr-card":
            self._card = None
        self._title = False

    def handle_data(self, data: str) -> None:
        if self._title:
            self._group = (self._group or "") + data
        elif "nr-group-head" in self._open and self._group is not None:
            self._group += " | " + data
        if self._card is not None:
            self.cards[self._card] += data


def test_the_sources_of_an_answer_about_the_event_stand_under_its_story_and_coverage(dam_answer):
    shown, _, panel, _ = dam_answer
    assert "Valemont" in shown[-1]["content"] and 'href="#nr-source-1"' in shown[-1]["content"]
    read = Panel(panel)
    assert list(read.groups) == [f"{HEADLINE} | 3 outlets (Morning Post, Valley Herald, National Wire) · 4 articles · "
                                 "2025-03-10 to 2025-03-12"]
    cited = next(iter(read.groups.values()))
    assert cited == list(range(1, len(cited) + 1)) and len(cited) == 3  # each outlet's report, numbered in order
    assert {outlet for n in cited for outlet in OUTLETS if outlet in read.cards[n]} == set(OUTLETS)
    wire = next(text for text in read.cards.values() if "National Wire · 2025-03-11" in text)
    assert "also published by Morning Post" in wire  # its reprint is folded into it, and named
    assert sum("also published by" in text for text in read.cards.values()) == 1
    assert panel.count("<mark>") >= 3  # each card still highlights the sentences the answer quotes


def test_a_source_of_no_shared_story_stands_alone_as_before(news):
    *_, (shown, _, panel, asks) = chat(news, "Which bakery won the national sourdough prize?", [], EXTRACTIVE)
    assert "Mill Street" in shown[-1]["content"]
    read = Panel(panel)
    assert list(read.groups) == [None] and "Valley Herald · 2025-03-09" in read.cards[1]
    assert "nr-group" not in panel and asks == []  # a story of one article: nothing to group, nothing to ask next


def test_the_answer_suggests_the_storys_questions_and_one_click_asks_the_chosen_one(news, dam_answer):
    shown, history, _, asks = dam_answer
    assert asks == [f"How did “{HEADLINE}” develop?", f"How do outlets differ on “{HEADLINE}”?",
                    f"What's the latest on “{HEADLINE}”?"]  # cited up to 03-11, reported until 03-12
    row, *buttons = suggestion_buttons(asks)
    assert row["visible"] is True and len(buttons) == SUGGESTED
    assert [b["value"] for b in buttons] == asks and all(b["visible"] for b in buttons)
    question, stop, cleared = ask_suggested(buttons[1]["value"])
    assert question == asks[1] and stop["visible"] is True and cleared == []  # in the box, asked as Ask asks
    steps = list(chat(news, question, history, EXTRACTIVE, shown))
    assert all(step[3] == [] for step in steps[:-1])  # the last answer's suggestions go as soon as it is asked
    shown, history, panel, asks = steps[-1]
    assert [m["role"] for m in history] == ["user", "assistant", "user", "assistant"]
    assert history[2]["content"] == question == shown[2]["content"]
    assert shown[-1]["content"].startswith('<div class="nr-answer nr-outlets">')
    assert f"How do outlets differ on “{HEADLINE}”?" not in asks and asks  # not what was just asked
    assert any(story and HEADLINE in story and "3 outlets (" in story for story in Panel(panel).groups)


def test_no_suggestion_hides_the_row_and_its_buttons():
    row, *buttons = suggestion_buttons([])
    assert row["visible"] is False and all(b["visible"] is False for b in buttons)
    row, *buttons = suggestion_buttons(["  What's  the latest\non it? ", "", None])
    assert row["visible"] is True and buttons[0]["value"] == "What's the latest on it?"
    assert [b["visible"] for b in buttons] == [True, False, False]
    assert suggestion_buttons(None)[0]["visible"] is False


def test_how_outlets_differ_is_answered_with_each_outlet_a_heading_over_its_cited_points(news):
    *_, (shown, history, panel, _) = chat(news, "How do outlets differ on the Valemont dam breach?", [], EXTRACTIVE)
    reply = shown[-1]["content"]
    intro = re.match(r'<div class="nr-answer nr-outlets"><p class="nr-lead">(How \d outlets report it:)</p>', reply)
    assert intro and intro.group(1) == history[-1]["content"].splitlines()[0]
    headings = re.findall(r'<p class="nr-outlet"><strong>([^<]*)</strong></p><ul class="nr-points">(.*?)</ul>',
                          reply)
    assert {outlet for outlet, _ in headings} >= set(OUTLETS)
    text = history[-1]["content"]
    assert [outlet for outlet, _ in headings] == [line[:-1] for line in text.splitlines()[1:]
                                                  if line and not line.startswith("• ")]
    for _, points in headings:
        items = re.findall(r"<li>(.*?)</li>", points)
        assert items and all(re.search(r'<a class="nr-cite" href="#nr-source-(\d+)" data-source="\1">\[\1\]</a>', i)
                             for i in items)
    only = re.findall(r"</a> — only in ([^<]+)</li>", reply)
    assert len(only) == text.count(" — only in ")  # each mark stays after its point's [n], as text (which points
    # are marked is the library's: tests/stories/test_story_answers.py)
    cards = re.findall(r'id="nr-source-(\d+)"', panel)
    assert set(re.findall(r'href="#nr-source-(\d+)"', reply)) <= set(cards)


def hostile_passage(number: int, source: str = "<b>Wire</b>") -> Passage:
    text = 'The dam broke. <script>alert(1)</script> [Click](javascript:alert(2))'
    return Passage(chunk_id=f"a{number}:0", article_id=f"a{number}", text=text, title="<img src=x onerror=alert(3)>",
                   source=source, url="javascript:alert(4)", published_at=date(2025, 3, 10), authors=(), start=0,
                   end=len(text), score=0.5, also_published_by=('<a href="https://evil.example">Evil</a>',))


def test_hostile_story_and_outlet_text_is_shown_as_text():
    first, second = hostile_passage(1), hostile_passage(2, source="Post</strong><script>alert(5)</script>")
    story = Story(id=7, title="<script>alert(6)</script> Dam", first_seen=date(2025, 3, 10),
                  last_seen=date(2025, 3, 11),
                  articles=(StoryArticle("a1", first.title, first.source, first.url, first.published_at),
                            StoryArticle("a2", second.title, second.source, second.url, date(2025, 3, 11))))
    points = (KeyPoint(1, first), KeyPoint(2, second))
    text = ("How 2 outlets report it:\n\n<b>Wire</b>:\n• 2025-03-10 — “The dam broke.” [1] — only in <b>Wire</b>\n\n"
            "Post</strong><script>alert(5)</script>:\n• 2025-03-10 — “<script>alert(7)</script>” [2]")
    answer = Answer(question="How do outlets differ?", text=text, passages=(first, second), mode="extractive",
                    citations=(Citation(1, first, ("The dam broke. [1]",)), Citation(2, second)), form="outlets",
                    points=points, stories=(story,), suggestions=("How did “<script>” develop?",))
    panel, reply = sources_html(answer), answer_html(answer)
    for page in (panel, reply):
        assert "<script" not in page and "<img" not in page and "<b>" not in page and 'href="javascript' not in page
    assert 'href="https://evil.example"' not in panel and "also published by &lt;a href=&quot;" in panel
    assert "&lt;script&gt;alert(6)&lt;/script&gt; Dam" in panel and "2 outlets (&lt;b&gt;Wire&lt;/b&gt;, " in panel
    assert list(Panel(panel).groups) == ["<script>alert(6)</script> Dam | 2 outlets (<b>Wire</b>, Post</strong>"
                                         "<script>alert(5)</script>) · 2 articles · 2025-03-10 to 2025-03-11"]
    assert reply.count('<p class="nr-outlet"><strong>') == 2 and "<strong>&lt;b&gt;Wire&lt;/b&gt;</strong>" in reply
    assert "Post&lt;/strong&gt;&lt;script&gt;alert(5)&lt;/script&gt;</strong>" in reply
    assert "</a> — only in &lt;b&gt;Wire&lt;/b&gt;</li>" in reply


def test_a_person_asks_clicks_a_suggestion_and_a_new_chat_clears_them(news):
    if not CHROMIUM.exists():
        if REQUIRE_BROWSER:
            pytest.fail("the browser test is required here but chromium is missing")
        pytest.skip("the browser test needs Debian's chromium (apt-get install chromium)")
    playwright = pytest.importorskip("playwright.sync_api")
    from ui.app import launch

    port = free_port()
    app = launch(news, port=port, block=False)
    suggestions = "#suggestions button.nr-suggestion"
    try:
        with playwright.sync_playwright() as p:
            browser = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_FLAGS)
            page = browser.new_page(viewport={"width": 1360, "height": 900})
            page.goto(f"http://127.0.0.1:{port}/")
            page.locator("#question textarea").wait_for(timeout=30_000)
            hidden_at_first = not page.locator("#suggestions").is_visible()
            page.locator("#question textarea").fill(ASKED)
            page.locator("#question textarea").press("Enter")
            page.wait_for_selector(suggestions, state="visible", timeout=60_000)
            offered = page.locator(suggestions).all_inner_texts()
            header = page.locator("#sources .nr-group-head").inner_text()
            page.locator(suggestions, has_text="outlets differ").click()
            page.wait_for_selector("#chat .nr-outlet", timeout=60_000)
            page.wait_for_selector(suggestions, state="visible", timeout=30_000)
            asked = page.locator("#chat .message.user").all_inner_texts()
            headings = page.locator("#chat .nr-outlet").all_inner_texts()
            weight = page.locator("#chat .nr-outlet strong").first.evaluate("e => getComputedStyle(e).fontWeight")
            offered_next = page.locator(suggestions).all_inner_texts()
            page.locator("#new-chat").click()
            page.wait_for_selector("#sources .nr-empty", timeout=10_000)
            page.wait_for_selector("#suggestions", state="hidden", timeout=10_000)
            browser.close()
    finally:
        app.close(verbose=False)
    assert hidden_at_first and [o.strip() for o in offered] == [f"How did “{HEADLINE}” develop?",
                                                                 f"How do outlets differ on “{HEADLINE}”?",
                                                                 f"What's the latest on “{HEADLINE}”?"]
    assert HEADLINE in header and "3 outlets" in header
    assert [a.strip() for a in asked] == [ASKED, f"How do outlets differ on “{HEADLINE}”?"]  # the same chat
    assert set(OUTLETS) <= {h.strip() for h in headings} and int(weight) >= 600
    assert offered_next and not any("outlets differ" in o for o in offered_next)
