"""The Gradio app, launched for real on loopback over a real index of the seeds: driven through ``gradio_client``
(the app's own API: ask, follow up, upload) and through a headless Chromium that types a question, as a person
would, and sees a cited answer and its source card.

The browser test needs Debian's ``chromium`` and the ``playwright`` package (never ``playwright install``); it is
skipped without them, unless ``NEWSRAG_REQUIRE_BROWSER=1`` (set by ``.ci/run``) makes their absence a failure.
``NEWSRAG_UI_SCREENSHOT=docs/ui.png`` keeps its screenshot (that is how the README's picture is made).
"""

from __future__ import annotations

import os
import shutil
import time
from dataclasses import replace
from datetime import date
from pathlib import Path
from types import SimpleNamespace

import pytest
from browser import CHROMIUM, CHROMIUM_FLAGS, REQUIRE_BROWSER
from conftest import SEEDS, free_port

from rag.types import Answer, Citation, Passage
from ui.app import parse_auth
from ui.render import stats_html
from ui.sources import sources_html
from ui.uploads import safe_name

SCREENSHOT = os.environ.get("NEWSRAG_UI_SCREENSHOT")


def passage(text: str, number: int = 1, url: str = "https://news.example/a") -> Passage:
    return Passage(chunk_id=f"a:{number}", article_id="a", text=text, title="Title <b>bold</b>", source="Wire",
                   url=url, published_at=date(2024, 12, 8), authors=(), start=0, end=len(text), score=0.5)


def test_sources_panel_highlights_the_supporting_sentence_and_folds_uncited_passages():
    cited = passage("Rebels took the city. Assad fled to Russia on Sunday. Talks went on.")
    other = passage("Weather was mild.", number=2)
    answer = Answer(question="Where did Assad flee?", text="Russia [1] — “Assad fled to Russia on Sunday.” [1]",
                    citations=(Citation(1, cited, ("Russia [1] — “Assad fled to Russia on Sunday.” [1]",)),),
                    passages=(cited, other), mode="local", short_answer="Russia")
    html = sources_html(answer)
    assert "<mark>Assad fled to Russia on Sunday.</mark>" in html
    assert 'href="https://news.example/a"' in html and "Wire · 2024-12-08" in html
    folded = html.split("<details", 1)[1]
    assert "1 more retrieved passage, not cited" in folded and "Weather was mild." in folded
    assert "Weather" not in html.split("<details", 1)[0]


def test_each_sentence_of_an_open_answer_highlights_its_own_evidence():
    cited = passage("Rebels took the city on Friday. Officials met for talks. Assad fled to Russia on Sunday.")
    text = "Rebels took the city on Friday [1]. Assad then fled to Russia [1]."
    answer = Answer(question="What happened?", text=text, passages=(cited,), mode="local", form="open",
                    citations=(Citation(1, cited, ("Rebels took the city on Friday [1].",
                                                   "Assad then fled to Russia [1].")),))
    html = sources_html(answer)
    assert html.count("<mark>") == 2 and "<mark>Officials" not in html
    assert "<mark>Rebels took the city on Friday.</mark>" in html
    assert "<mark>Assad fled to Russia on Sunday.</mark>" in html


def test_article_text_is_shown_as_text_never_as_html():
    hostile = passage('<script>alert(1)</script><img src=x onerror="alert(2)"> [Click](javascript:alert(3))',
                      url="javascript:alert(4)")
    html = sources_html(reading=[hostile])
    assert "<script>" not in html and "<img" not in html and "<b>" not in html
    assert "&lt;script&gt;" in html and "href=" not in html  # a javascript: URL is never made a link


def test_a_source_from_a_file_shows_its_outlet_and_date_else_the_file_relative_to_the_working_folder(
        tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    from_file = replace(passage("Mills close."), url="", origin=str(tmp_path / "news" / "mill.md"))
    meta = sources_html(reading=[from_file]).split('class="nr-meta">')[1].split("</div>")[0]
    assert meta == "Wire · 2024-12-08"  # the outlet and date name it: no path
    meta = sources_html(reading=[replace(from_file, source="")]).split('class="nr-meta">')[1].split("</div>")[0]
    assert meta == f"2024-12-08 · {Path('news') / 'mill.md'}" and str(tmp_path) not in meta


def test_corpus_stats_are_a_labelled_table_with_no_empty_header_row():
    stats = SimpleNamespace(articles=1234, chunks=5678, sources=("<b>Wire</b>", "Gazette"), oldest=date(2024, 1, 2),
                            newest=date(2024, 12, 8), embedding_model="all-MiniLM-L6-v2", path="/data/index")
    table = stats_html(SimpleNamespace(stats=lambda: stats))
    assert "<thead" not in table and "<th></th>" not in table and "| |" not in table
    assert '<tr><th scope="row">Articles</th><td>1,234</td></tr>' in table
    assert '<th scope="row">Dates</th><td>2024-01-02 to 2024-12-08</td>' in table
    assert "&lt;b&gt;Wire&lt;/b&gt;" in table and "<b>" not in table  # a source's name is shown as text


def test_uploaded_file_names_cannot_escape_the_uploads_folder():
    assert safe_name("../../etc/passwd.txt") == "passwd.txt"
    assert safe_name("..\\..\\x.json") == "x.json"
    assert safe_name("a<b>|c?.md") == "a_b_c_.md"
    assert safe_name("..") == "upload"


def test_login_is_user_colon_password():
    assert parse_auth("ann:s3cret:x") == ("ann", "s3cret:x") and parse_auth("") is None
    with pytest.raises(Exception, match="user:password"):
        parse_auth("ann")


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory):
    """The app over a fresh index of the seeds, launched on loopback; answers locally by default, as shipped."""
    from rag import NewsAssistant
    from ui.app import launch

    assistant = NewsAssistant(index_dir=tmp_path_factory.mktemp("ui") / "index", mode="local")
    assistant.ingest([SEEDS], progress=False)
    port = free_port()
    app = launch(assistant, port=port, block=False)
    yield f"http://127.0.0.1:{port}/", assistant
    app.close()


def test_serving_prints_none_of_gradios_lines(seeded, capfd):
    from ui.app import launch

    app = launch(seeded, port=free_port(), block=False)
    app.close(verbose=False)
    out, err = capfd.readouterr()
    assert "share=True" not in out + err and "Running on" not in out + err


def test_app_answers_with_citations_and_follow_ups_use_the_conversation(served):
    from gradio_client import Client

    url, _ = served
    client = Client(url, verbose=False)
    conversation, panel, box = client.predict("Where did Assad flee to?", "extractive", 5, "", "", [], "2024-12-08",
                                               api_name="/ask")
    reply = conversation[-1]["content"][0]["text"]
    assert "Russia" in reply and "[1]" in reply and box == ""
    assert 'id="nr-source-1"' in panel and "<mark>" in panel and "Russia" in panel.split("<mark>")[1]
    conversation, _, _ = client.predict("What did the new authorities demand?", "extractive", 5, "", "", [], "",
                                        api_name="/ask")
    assert len(conversation) == 4  # the same session: the first exchange is kept and sent as history
    assert "[" in conversation[-1]["content"][0]["text"]


def test_filters_that_exclude_everything_give_a_refusal_not_an_invented_answer(served):
    from gradio_client import Client

    conversation, panel, _ = Client(served[0], verbose=False).predict(
        "Where did Assad flee to?", "extractive", 5, "1990-01-01", "1990-12-31", [], "", api_name="/ask")
    assert "cannot answer" in conversation[-1]["content"][0]["text"] and "nr-card" not in panel


def test_a_long_answer_does_not_block_another_person(served):
    from gradio_client import Client

    url, _ = served
    slow = Client(url, verbose=False).submit("Where did Assad flee to?", "local", 5, "", "", [], "", api_name="/ask")
    quick, _, _ = Client(url, verbose=False).predict("Where did Assad flee to?", "extractive", 5, "", "", [], "",
                                                     api_name="/ask")
    assert "Russia" in quick[-1]["content"][0]["text"]
    assert not slow.done()  # the local model is still reading or writing while the other person got an answer
    conversation, panel, _ = slow.result(timeout=300)
    assert "Russia" in conversation[-1]["content"][0]["text"] and "<mark>" in panel


def test_upload_adds_articles_and_reports_bad_files(served, tmp_path):
    from gradio_client import Client, handle_file

    url, assistant = served
    before = assistant.stats().articles
    good = tmp_path / "harbor.md"
    good.write_text("Harbor Bakery wins bread prize\n\nSource: Riverside Gazette\nDate: 2024-05-02\n\n"
                    "Harbor Bakery won the national bread prize on Thursday for its rye sourdough.\n", encoding="utf-8")
    broken = tmp_path / "broken.json"
    broken.write_bytes(b'{"title": "cut off", "text": ')
    log, stats, _, _ = Client(url, verbose=False).predict([handle_file(good), handle_file(broken)],
                                                          api_name="/add_files")
    assert "✓ harbor.md: 1 new" in log and "✗ broken.json:" in log
    assert assistant.stats().articles == before + 1 and f'<th scope="row">Articles</th><td>{before + 1}</td>' in stats
    assert "Riverside Gazette" in stats
    assert (assistant.settings.index_dir.parent / "index-uploads" / "harbor.md").is_file()


def test_a_person_asks_in_the_browser_and_sees_a_cited_answer(served, tmp_path):
    _browser_or_skip()
    from playwright.sync_api import sync_playwright

    shot = tmp_path / "ui.png"
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_FLAGS)
        page = browser.new_page(viewport={"width": 1360, "height": 900})
        page.goto(served[0])
        box = page.locator("#question textarea")
        stop = page.locator("#stop")
        assert not stop.is_visible()  # a stop button only while an answer is written
        box.fill("Where did Assad flee to?")
        box.press("Enter")
        stop.wait_for(state="visible", timeout=10_000)
        assert stop.inner_text().strip() == "■ Stop"
        page.wait_for_selector("#sources .nr-card mark", timeout=180_000)  # the local model's finished answer
        stop.wait_for(state="hidden", timeout=10_000)
        bot = page.locator("#chat .message.bot, #chat [data-testid='bot']")
        reply = bot.last.inner_text()
        card = page.locator("#sources #nr-source-1").inner_text()
        page.screenshot(path=str(shot), full_page=True)
        box.fill("Summarize the situation in Syria.")
        box.press("Enter")
        page.wait_for_selector("#chat .nr-points li", timeout=60_000)  # the key points, before the model's lead
        points = page.locator("#chat .nr-points li").all_inner_texts()
        page.wait_for_selector("#sources #nr-source-1", timeout=10_000)
        opened_card = page.locator("#sources #nr-source-1").inner_text()
        page.locator("#chat .nr-points a.nr-cite").first.click()  # a point's [1] takes the reader to its card
        page.wait_for_selector("#sources #nr-source-1.nr-flash", timeout=5_000)
        writing = stop.is_visible()
        if writing:  # the lead is still being written: stopping it keeps the points
            stop.click(timeout=10_000)
            stop.wait_for(state="hidden", timeout=10_000)
        page.wait_for_timeout(1_000)
        stopped = bot.last.inner_text()
        browser.close()
    assert "Russia" in reply and "[1]" in reply
    assert "[1]" in card and "Clashes Erupt in Aleppo" in card and "Russia" in card
    assert len(points) >= 3 and all(p.rstrip().endswith("[1]") for p in points)
    assert "Clashes Erupt in Aleppo" in opened_card and "Key points" in stopped
    assert "Summing up" not in stopped and all(p.split("”")[0] in stopped for p in points)
    if SCREENSHOT:
        shutil.copyfile(shot, SCREENSHOT)


def _browser_or_skip():
    have_browser = CHROMIUM.exists()
    try:
        from playwright.sync_api import sync_playwright  # noqa: F401
    except ImportError:
        have_browser = False
    if not have_browser:
        if REQUIRE_BROWSER:
            pytest.fail("the browser test is required here but chromium or playwright is missing")
        pytest.skip("the browser test needs Debian's chromium (apt-get install chromium) and playwright (pip install "
                    "-e '.[test]'); docs/testing.md, Tests")


def test_past_chats_survive_a_reload_in_the_same_browser_and_no_other_browser_sees_them(seeded):
    _browser_or_skip()
    from playwright.sync_api import sync_playwright

    from ui.app import launch

    port = free_port()
    app = launch(seeded, port=port, block=False)
    url = f"http://127.0.0.1:{port}/"
    bot = "#chat .message.bot, #chat [data-testid='bot']"
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_FLAGS)
            page = browser.new_page(viewport={"width": 1360, "height": 900})
            page.goto(url)
            box = page.locator("#question textarea")
            for question in ("Where did Assad flee to?", "Where did the clashes erupt?"):
                if question != "Where did Assad flee to?":
                    page.locator("#new-chat").click()  # the first chat is kept; this one is a second
                    page.wait_for_selector("#sources .nr-empty", timeout=10_000)
                box.fill(question)
                box.press("Enter")
                page.wait_for_selector("#sources .nr-card mark", timeout=60_000)  # the finished, cited answer
                page.locator("#stop").wait_for(state="hidden", timeout=30_000)
                page.wait_for_timeout(1_000)  # saved in the browser right after it is shown
            page.reload()
            page.wait_for_selector("#sources .nr-card", timeout=30_000)  # the open chat is back with its sources
            reopened = page.locator(bot).last.inner_text()
            listed = page.locator("#past-chats").inner_text() + page.locator("#past-chats input").input_value()
            page.locator("#past-chats input").click()
            options = page.locator("[role='option']").all_inner_texts()
            page.locator("[role='option']", has_text="Where did Assad flee to?").click()
            page.wait_for_function("document.querySelector('#chat').innerText.includes('Russia')", timeout=30_000)
            first = page.locator(bot).last.inner_text()
            page.locator("#delete-chat").click()
            page.wait_for_timeout(1_000)
            page.reload()
            page.wait_for_timeout(3_000)
            page.locator("#past-chats input").click()
            after_delete = page.locator("[role='option']").all_inner_texts()

            stranger = browser.new_context().new_page()  # another person: their own browser storage
            stranger.goto(url)
            stranger.wait_for_timeout(3_000)
            stranger.locator("#past-chats input").click()
            theirs = stranger.locator("[role='option']").all_inner_texts()
            their_chat = stranger.locator("#chat").inner_text()
            browser.close()
    finally:
        app.close()
    assert "Aleppo" in reopened and "Where did the clashes erupt?" in listed
    assert any("Where did Assad flee to?" in o for o in options) and any("clashes" in o for o in options)
    assert "Russia" in first
    assert not any("Assad" in o for o in after_delete) and any("clashes" in o for o in after_delete)
    assert theirs == [] and "Assad" not in their_chat and "clashes" not in their_chat


def test_one_client_gets_two_questions_in_flight_and_a_third_is_told_to_wait(served):
    from gradio_client import Client

    from ui.limits import PER_SESSION

    url, _ = served
    client = Client(url, verbose=False)  # one session
    from gradio_client.utils import Status

    # open questions: the local model writes a lead for each, one at a time, several seconds each
    slow = [client.submit(q, "local", 5, "", "", [], "", api_name="/ask")
            for q in ("Summarize the situation in Syria.", "Why are there clashes in Aleppo?")][:PER_SESSION]
    deadline = time.monotonic() + 60
    started = (Status.PROCESSING, Status.ITERATING)  # a streamed answer "iterates" once it yields
    while not all(job.status().code in started for job in slow) and time.monotonic() < deadline:
        time.sleep(0.05)  # both taken up: one written by the model, the other waiting for it
    assert not any(job.done() for job in slow)
    conversation, _, box = client.predict("Where did the clashes erupt?", "extractive", 5, "", "", [], "",
                                          api_name="/ask")
    assert conversation[-1]["content"][0]["text"].startswith("⚠️ You already have 2 questions being answered")
    assert box == "Where did the clashes erupt?"  # kept, to ask again
    assert all("[1]" in job.result()[0][-1]["content"][0]["text"] for job in slow)
    other, _, _ = Client(url, verbose=False).predict("Where did the clashes erupt?", "extractive", 5, "", "", [], "",
                                                     api_name="/ask")
    assert "Aleppo" in other[-1]["content"][0]["text"]  # another person was never held up by that limit
    conversation, _, _ = client.predict("Where did the clashes erupt?", "extractive", 5, "", "", [], "",
                                        api_name="/ask")
    assert "Aleppo" in conversation[-1]["content"][0]["text"]  # and once the first two are done, this client asks


def test_a_quiz_answers_evidence_shows_first_marked_as_evidence_then_under_the_answer():
    from rag.types import KeyPoint
    from ui.render import CHECKING, answer_html

    point = KeyPoint(1, passage("Assad <b>fled</b> to Russia on Sunday."))
    waiting = answer_html(None, evidence=[point])
    assert CHECKING in waiting and "Evidence" in waiting and "&lt;b&gt;fled" in waiting and "<b>" not in waiting
    assert 'href="#nr-source-1"' in waiting
    answer = Answer(question="Where did Assad flee?", text="Russia [1] — “Assad fled to Russia on Sunday.” [1]",
                    citations=(Citation(1, point.passage),), passages=(point.passage,), mode="local",
                    short_answer="Russia", form="quiz", evidence=(point,))
    final = answer_html(answer)
    assert CHECKING not in final and final.index("Russia <a") < final.index("Evidence")
    refused = replace(answer, text="The articles do not give an answer to “Where did Assad flee?”.", refused=True,
                      short_answer="")
    assert "Closest in the articles" in answer_html(refused) and ">Evidence<" not in answer_html(refused)
