"""The Stories tab and briefings in the chat, over a real index (real embeddings, extractive answers) of a small
corpus written here: three outlets report one dam breach on nearby days, and four unrelated articles stand alone
(one with a hostile title and a ``javascript:`` address). Driven through the functions behind the tab, through the
app launched on loopback (its ``/brief`` API) and through a headless Chromium that briefs and asks about a story in
one click.
"""

from __future__ import annotations

import json
import re

import pytest
from browser import CHROMIUM, CHROMIUM_FLAGS
from conftest import free_port

from ui.exchange import chat
from ui.options import Options
from ui.stories import brief_stories, chosen_question, story_question


def article(title: str, source: str, url: str, day: str, *sentences: str) -> dict:
    return {"title": title, "source": source, "url": url, "published_at": day, "text": " ".join(sentences)}


# The unrelated articles come first: a story is found from the words its reports share, weighed by how few other
# articles use them, so the index must hold some other news when the dam's reports arrive (as any real one does).
OTHERS = [
    article("Local bakery wins national sourdough prize", "Valley Herald", "https://herald.example/bakery",
            "2025-03-09", "A small bakery on Mill Street won the national sourdough prize on Sunday for its rye loaf.",
            "The owners said they had baked bread in the same oven for forty years.",
            "Judges praised the crust and the deep flavour."),
    article("Chess club opens <script>alert(1)</script> junior league", "Morning Post", "javascript:alert(2)",
            "2025-03-12", "The city chess club opened a junior league on Wednesday with forty players under twelve "
            "taking part.", "Coaches said the league would meet every Saturday in the public library until the "
            "summer holidays begin."),
    article("Museum returns stolen painting to church", "National Wire", "https://wire.example/painting",
            "2025-03-08", "The national museum returned a stolen seventeenth-century painting to a village church on "
            "Saturday.", "Police had recovered the canvas from a private collector after a ten-year search across "
            "three countries."),
    article("Football club appoints new coach", "City Sport", "https://sport.example/coach", "2025-03-10",
            "Riverside United appointed a new head coach on Monday after a poor run of results left the team near the "
            "bottom of the league.", "The former midfielder signed a two-year contract and will lead training from "
            "Wednesday."),
]
DAM = [
    article("Flood waters breach river dam in Valemont", "Valley Herald", "https://herald.example/dam", "2025-03-10",
            "Flood waters breached the Valemont river dam early on Monday, forcing thousands of residents to leave "
            "their homes.", "Engineers said the dam's northern wall gave way after three days of heavy rain.",
            "Rescue teams used boats to reach families trapped in the lower town.",
            "The regional governor declared a state of emergency."),
    article("Valemont dam collapse forces mass evacuation", "National Wire", "https://wire.example/valemont",
            "2025-03-11", "Thousands of people were evacuated from Valemont after the river dam collapsed under flood "
            "water on Monday.", "The northern wall of the dam failed following days of torrential rain, engineers "
            "said.", "Boats carried stranded families out of the lower town as the governor declared an emergency."),
    article("Governor declares emergency after Valemont dam breach", "Morning Post", "https://post.example/dam",
            "2025-03-11", "The regional governor declared a state of emergency on Tuesday after flood water broke "
            "through the Valemont dam.", "Rescue crews in boats evacuated thousands of residents from the lower "
            "town, where the river rose overnight.", "Engineers blamed three days of heavy rain for the failure of "
            "the dam's northern wall."),
]
OUTLETS = ("Valley Herald", "National Wire", "Morning Post")
EXTRACTIVE = Options(mode="extractive", top_k=5, date_from=None, date_to=None, sources=())


@pytest.fixture(scope="module")
def news(tmp_path_factory: pytest.TempPathFactory):
    """An assistant over a fresh index of the corpus above (read only by the tests)."""
    from rag import NewsAssistant

    folder = tmp_path_factory.mktemp("stories")
    corpus = folder / "news.jsonl"
    corpus.write_text("\n".join(json.dumps(a) for a in OTHERS + DAM) + "\n", encoding="utf-8")
    assistant = NewsAssistant(index_dir=folder / "index", mode="extractive")
    report = assistant.ingest([corpus], progress=False)
    assert report.articles_added == 7 and not report.problems and not report.boilerplate
    return assistant


def cards(page: str) -> list[str]:
    return page.split('<div class="nr-card nr-story"')[1:]


def test_the_most_covered_story_comes_first_with_its_outlets_dates_and_cited_points(news):
    page, questions = brief_stories(news, "This week")
    first = cards(page)[0]
    headline = re.search(r'<span class="nr-num">1\.</span> ([^<]*)</div>', first).group(1)
    assert "Valemont" in headline and len(cards(page)) == 5 == len(questions)
    assert "3 outlets: " in first and all(outlet in first for outlet in OUTLETS) and "3 articles" in first
    assert "first seen 2025-03-10 · last seen 2025-03-11" in first
    points = re.findall(r"<li>(.*?)</li>", first.split('<ul class="nr-points">')[1].split("</ul>")[0])
    assert len(points) == 2
    assert "Flood waters breached the Valemont river dam" in points[0] and ">[1]</a>" in points[0]
    assert 'href="https://herald.example/dam"' in points[0] and "Valley Herald, 2025-03-10" in points[0]
    assert ">[2]</a>" in points[1]
    assert 'data-story="0">Ask about this story</button>' in first
    # today is long after the corpus: the week briefed is the newest articles', and the tab says so
    assert "The newest articles are from 2025-03-12." in page.split('<div class="nr-card')[0]
    assert "The biggest stories from 2025-03-06 to 2025-03-12" in page
    assert questions[0] == f"What happened with {headline}?"


def test_a_hostile_headline_is_shown_as_text_and_a_javascript_address_is_never_a_link(news):
    page, _ = brief_stories(news, "This week")
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page and "<script" not in page and "javascript:" not in page
    chess = next(card for card in cards(page) if "Chess club" in card)
    assert "<a " not in chess and '<span class="nr-num">[' in chess  # its [n] stands, with nothing to open
    page, _ = brief_stories(news, "This week", topic='<img src=x onerror="alert(3)">')
    assert "<img" not in page and "about &lt;img src=x onerror=&quot;alert(3)&quot;&gt;" in page


def test_chosen_dates_brief_that_window_and_an_empty_one_says_so(news):
    page, questions = brief_stories(news, "Chosen dates", "2025-03-12", "")
    assert len(cards(page)) == 1 and "Chess club" in page and "on 2025-03-12" in page and len(questions) == 1
    page, questions = brief_stories(news, "Chosen dates", " 2020-01-01 ", "2020-01-31", topic="dams")
    assert cards(page) == [] and questions == []
    assert "The articles hold no story about dams from 2020-01-01 to 2020-01-31. Try another topic" in page


@pytest.mark.parametrize(("since", "until", "message"), [
    ("2025-13-45", "", "From: '2025-13-45' is not a date; use YYYY-MM-DD, e.g. 2024-12-08."),
    ("2025-03-01", "next <b>week</b>", "To: 'next &lt;b&gt;week&lt;/b&gt;' is not a date; use YYYY-MM-DD"),
    ("2025-03-12", "2025-03-10", "From (2025-03-12) is after To (2025-03-10): swap them."),
    ("", "  ", "Type a date in From, To or both (YYYY-MM-DD), or choose Today or This week."),
])
def test_a_bad_date_gives_a_one_line_message_not_an_exception(news, since, until, message):
    page, questions = brief_stories(news, "Chosen dates", since, until)
    assert page.startswith('<div class="nr-error">') and message.replace("'", "&#x27;") in page
    assert "\n" not in page and questions == [] and "<b>" not in page


def test_ask_about_this_story_asks_the_chat_about_that_story(news):
    page, questions = brief_stories(news, "This week")
    question = chosen_question(questions, 0)
    assert question == questions[0] and question.startswith("What happened with ") and "Valemont" in question
    assert chosen_question(questions, "1") == questions[1]  # the browser's report may come as text
    assert chosen_question(questions, 99) is None and chosen_question(questions, "x") is None
    assert chosen_question(questions, None) is None and chosen_question([], 0) is None
    assert chosen_question(questions, float("inf")) is None and chosen_question(questions, -1) is None
    *_, (shown, history, panel, _) = chat(news, question, [], EXTRACTIVE)
    assert history[0] == {"role": "user", "content": question}
    assert "Valemont" in shown[-1]["content"] and 'href="#nr-source-1"' in shown[-1]["content"]
    assert "Valemont" in panel and 'id="nr-source-1"' in panel


def test_a_long_or_hostile_headline_makes_a_plain_one_line_question(news):
    from rag import Story

    long = Story(id=1, title="  Dam\nbreach " + "word " * 100 + "?", articles=(), first_seen=None, last_seen=None)
    question = story_question(long)
    assert question.startswith("What happened with Dam breach word") and question.endswith("word?")
    assert "\n" not in question and len(question) < 240
    assert story_question(Story(id=2, title=" ?! ", articles=(), first_seen=None, last_seen=None)) == \
        "What happened in this story?"


def test_a_briefing_question_in_the_chat_shows_its_stories_and_cites_its_sources(news):
    *_, (shown, history, panel, _) = chat(news, "What happened this week?", [], EXTRACTIVE)
    reply = shown[-1]["content"]
    assert reply.startswith('<div class="nr-answer nr-brief">') and "The newest articles are from 2025-03-12." in reply
    stories = re.findall(r"<li><div class=\"nr-story-title\">(.*?)</div>", reply)
    assert len(stories) == 5 and "Valemont" in stories[0]
    first = reply.split('<div class="nr-story-title">')[1]
    assert "3 outlets (" in first and "3 articles" in first and "2025-03-10 to 2025-03-11" in first
    assert first.count('<a class="nr-cite" href="#nr-source-') == 2  # its two points, each [n] a link to its card
    assert "&lt;script&gt;" in reply and "<script" not in reply
    assert history[-1]["role"] == "assistant" and history[-1]["content"].splitlines()[2].startswith("1. ")
    numbers = re.findall(r'id="nr-source-(\d+)"', panel)
    assert numbers == [str(n) for n in range(1, 7)] and "<mark>Flood waters breached" in panel
    assert "javascript:" not in panel


def test_the_served_app_briefs_through_its_api(news):
    from gradio_client import Client

    from ui.app import launch

    port = free_port()
    app = launch(news, port=port, block=False)
    try:
        client = Client(f"http://127.0.0.1:{port}/", verbose=False)
        page = client.predict("This week", "", "", "", api_name="/brief")
        bad = client.predict("Chosen dates", "2025-02-30", "", "", api_name="/brief")
    finally:
        app.close(verbose=False)
    assert "Valemont" in cards(page)[0] and "3 outlets" in cards(page)[0]
    assert bad == ('<div class="nr-error">From: &#x27;2025-02-30&#x27; is not a date; use YYYY-MM-DD, '
                   'e.g. 2024-12-08.</div>')


def test_a_person_briefs_and_asks_about_a_story_in_one_click(news):
    if not CHROMIUM.exists():
        pytest.skip("the browser test needs Debian's chromium (apt-get install chromium)")
    playwright = pytest.importorskip("playwright.sync_api")
    from ui.app import launch

    port = free_port()
    app = launch(news, port=port, block=False)
    try:
        with playwright.sync_playwright() as p:
            browser = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_FLAGS)
            page = browser.new_page(viewport={"width": 1360, "height": 900})
            page.goto(f"http://127.0.0.1:{port}/")
            page.get_by_role("tab", name="Stories").click()
            page.locator("#brief-me").click()
            page.wait_for_selector("#story-cards .nr-story", timeout=30_000)
            headline = page.locator("#story-cards .nr-story .nr-head").first.inner_text()
            scripts = page.locator("#story-cards script").count()
            page.locator("#story-cards .nr-ask").first.click()
            page.wait_for_selector("#sources .nr-card mark", timeout=60_000)  # the story's question, answered
            chat_visible = page.locator("#chat").is_visible()
            asked = page.locator("#chat .message.user, #chat [data-testid='user']").last.inner_text()
            reply = page.locator("#chat .message.bot, #chat [data-testid='bot']").last.inner_text()
            browser.close()
    finally:
        app.close(verbose=False)
    assert "Valemont" in headline and scripts == 0
    assert chat_visible and asked.strip() == f"What happened with {headline.split('. ', 1)[1].strip()}?"
    assert "Valemont" in reply and "[1]" in reply
