"""The Gradio chat app: streamed cited answers beside a sources panel, filters, and a corpus tab for uploads.

    from rag import NewsAssistant
    from ui.app import build_app
    build_app(NewsAssistant(index_dir="index")).launch()

or ``newsrag ui`` / ``python -m ui``. Answers stream from ``NewsAssistant.stream``; each request gets a sibling
assistant with the options chosen in the page (``NewsAssistant.with_settings``), so the models and the store load
once per process however many people ask at once.
"""

from __future__ import annotations

import filecmp
import html
import os
import re
import shutil
import threading
import time
import warnings
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")  # before gradio is imported: no calls home

# Library warnings a person running ``newsrag ui`` can do nothing about, silenced here, at import in the main
# thread, where the filters hold (``catch_warnings`` in Gradio's threads is not thread-safe and undid requests' own
# silencing of the first when the models' warm-up thread imported it). The second is pydantic's about Gradio's routes.
warnings.filterwarnings("ignore", message="SOCKS support in urllib3")
warnings.filterwarnings("ignore", message="The 'alias' attribute with value 'upload_id'")

import gradio as gr  # noqa: E402

from rag import Answer, NewsAssistant, Retrieved  # noqa: E402
from rag.answering.citations import MARKERS, point_line  # noqa: E402
from rag.assistant import KeyPoints  # noqa: E402
from rag.errors import InputError, NewsragError  # noqa: E402
from rag.sources.loaders import SUPPORTED_SUFFIXES  # noqa: E402
from rag.types import Filters, KeyPoint  # noqa: E402
from ui import chats  # noqa: E402
from ui.feeds import Refresher, add_url, feed_choices, feeds_html, follow, refresh_now, unfollow  # noqa: E402
from ui.sources import sources_html  # noqa: E402

EXAMPLES = ["Where did Assad flee to?", "Summarize the situation in Syria.", "Why are there clashes in Aleppo?",
            "Give me a timeline of the opposition's advance.", "What did Russia say about Assad's departure?"]
MODE_LABELS = {"local": "Local model", "extractive": "Quoted sentences (no model)", "openai": "Configured API"}
CONCURRENT_ANSWERS = 4  # answers in progress at once; the local model takes its requests in turn, quick ones pass
MAX_UPLOAD = "50mb"
PER_SESSION = 2  # questions one session (a browser tab, an API client) may have in flight; a third is told to wait
BUSY = "⚠️ You already have {n} questions being answered; wait for one of them to finish, then ask again."
# An [n] in an answer scrolls the sources panel to card n and outlines it (the chat's sanitiser opens every link in a
# new tab, so the in-page jump is made here).
HEAD = r"""<script>
document.addEventListener("click", (event) => {
  const link = event.target.closest && event.target.closest("a.nr-cite");
  if (!link) return;
  event.preventDefault();
  const number = link.dataset.source || (link.textContent.match(/\d+/) || [""])[0];  // the sanitiser may drop data-*
  const card = document.getElementById("nr-source-" + number);
  if (!card) return;
  card.scrollIntoView({behavior: "smooth", block: "nearest"});
  card.classList.add("nr-flash");
  setTimeout(() => card.classList.remove("nr-flash"), 1500);
}, true);
</script>"""
CSS = """
.nr-card {border: 1px solid var(--border-color-primary); border-radius: 8px; padding: 8px 10px; margin-bottom: 8px}
.nr-head {font-weight: 600} .nr-num {color: var(--color-accent)} .nr-meta {font-size: 0.85em; opacity: 0.75}
.nr-passage {margin: 6px 0 0 0; font-size: 0.9em; white-space: pre-wrap}
.nr-passage mark {background: #fde68a; color: inherit; padding: 0 1px}
.nr-empty, .nr-status {opacity: 0.75; padding: 6px 0}
.nr-answer p {margin: 0 0 8px 0} .nr-missing {font-weight: 600} .nr-writing {opacity: 0.6; font-style: italic}
.nr-points-head {font-weight: 600; margin-top: 4px} .nr-points {margin: 4px 0 0 0; padding-left: 18px}
.nr-points li {margin-bottom: 4px} a.nr-cite {text-decoration: none; font-weight: 600}
.nr-card.nr-flash {outline: 2px solid var(--color-accent)}
#stats table.nr-stats, #stats .nr-stats tr {border-collapse: collapse; border: none; margin: 0}
#stats .nr-stats th, #stats .nr-stats td {border: none; padding: 6px 24px 6px 0; text-align: left; vertical-align: top}
#stats .nr-stats th {font-weight: 600; white-space: nowrap}
#stats .nr-stats tr + tr > * {border-top: 1px solid var(--border-color-primary)}
.nr-feeds {border-collapse: collapse; width: 100%}
.nr-feeds th, .nr-feeds td {text-align: left; padding: 4px 12px 4px 0;
  border-bottom: 1px solid var(--border-color-primary); vertical-align: top; word-break: break-word}
"""


@dataclass(frozen=True)
class Options:
    """What the controls beside the chat ask for."""

    mode: str
    top_k: int
    date_from: date | None
    date_to: date | None
    sources: tuple[str, ...]
    around: date | None = None  # prefer articles published near this day

    def filters(self) -> Filters | None:
        if not (self.sources or self.date_from or self.date_to or self.around):
            return None
        return Filters(sources=self.sources, date_from=self.date_from, date_to=self.date_to, around=self.around)


_in_flight: dict[str, int] = {}
_in_flight_lock = threading.Lock()


@contextmanager
def session_turn(session: str) -> Iterator[bool]:
    """Whether ``session`` may ask now (fewer than ``PER_SESSION`` of its questions in flight), holding its turn
    until the answer ends. One client cannot take every answer slot (and the queue's 64 places) from the others."""
    with _in_flight_lock:
        allowed = _in_flight.get(session, 0) < PER_SESSION
        if allowed:
            _in_flight[session] = _in_flight.get(session, 0) + 1
    try:
        yield allowed
    finally:
        if allowed:
            with _in_flight_lock:
                _in_flight[session] -= 1
                if not _in_flight[session]:
                    del _in_flight[session]


def uploads_dir(assistant: NewsAssistant) -> Path:
    """Where uploaded files are kept (beside the index, not in it: ingest never reads the index's own folder)."""
    index = assistant.settings.index_dir.resolve()
    return index.parent / f"{index.name}-uploads"


def answer_slots(assistant: NewsAssistant) -> int:
    """Answers in progress at once: a model server writes ``openai_parallel`` of them in parallel; the local model
    takes its requests in turn, but quick (extractive) ones pass it, so a few run at once whatever the mode."""
    if assistant.settings.openai_model:
        return max(CONCURRENT_ANSWERS, assistant.settings.openai_parallel)
    return CONCURRENT_ANSWERS


def answer_modes(assistant: NewsAssistant) -> list[str]:
    modes = ["local", "extractive"]
    if assistant.settings.openai_model:
        modes.append("openai")
    if assistant.settings.mode not in modes:
        modes.insert(0, assistant.settings.mode)
    return modes


Conversation = list[dict[str, str]]  # messages as chat UIs hold them: {"role", "content"}
WRITING = '<p class="nr-writing">Summing up the points…</p>'  # shown above the points while the lead is written


def chat(assistant: NewsAssistant, question: str, history: Conversation, options: Options,
         shown: Conversation | None = None) -> Iterator[tuple[Conversation, Conversation, str]]:
    """Stream one exchange: the conversation as shown (HTML, growing as the answer is checked), the conversation as
    text (the history follow-ups are read with), and the sources panel."""
    shown = list(shown if shown is not None else [_shown_message(m) for m in history])
    question = " ".join((question or "").split())
    if not question:
        yield shown, history, sources_html()
        return
    asking = assistant.with_settings(mode=options.mode, top_k=options.top_k)
    shown = [*shown, {"role": "user", "content": html.escape(question, quote=False)},
             {"role": "assistant", "content": "…"}]
    asked = [*history, {"role": "user", "content": question}]
    yield list(shown), asked, sources_html()
    points: tuple[KeyPoint, ...] = ()
    missing = lead = ""
    try:
        for event in asking.stream(question, history=history, filters=options.filters()):
            if isinstance(event, Retrieved):
                yield list(shown), asked, sources_html(reading=event.passages)
                continue
            if isinstance(event, KeyPoints):
                points, missing = event.points, event.not_given
            elif isinstance(event, str):
                lead += event
            elif isinstance(event, Answer):
                shown[-1] = {"role": "assistant", "content": answer_html(event)}
                yield list(shown), [*asked, {"role": "assistant", "content": event.text}], sources_html(event)
                return
            writing = bool(points) and asking.settings.mode != "extractive" and asking.settings.open_lead
            shown[-1] = {"role": "assistant", "content": answer_html(None, lead, points, missing, writing)}
            yield list(shown), asked, gr.skip()  # the panel keeps what it shows; only the answer grows
    except NewsragError as error:
        shown[-1] = {"role": "assistant", "content": html.escape(f"⚠️ {error}", quote=False)}
        yield shown, asked, sources_html()


def answer_html(answer: Answer | None, lead: str = "", points: Sequence[KeyPoint] = (), missing: str = "",
                writing: bool = False) -> str:
    """An answer as the chat shows it: what the articles do not give, the lead, then the key points as a list, each
    [n] a link to its source card. Everything from the articles or the model is escaped; only this markup is ours."""
    if answer is not None:
        if not answer.points:
            return f'<div class="nr-answer">{_cited(answer.text)}</div>'
        lead, points, missing = answer.lead, answer.points, answer.not_given
    parts = [f'<p class="nr-missing">{_cited(missing)}</p>' if missing else "",
             f'<p class="nr-lead">{_cited(lead)}</p>' if lead else "",
             WRITING if writing and not lead else ""]
    items = "".join(f'<li>{_cited(point_line(p).removeprefix("• "))}</li>' for p in points)
    heading = "What the articles report" if missing else "Key points"
    parts.append(f'<div class="nr-points-head">{heading}</div><ul class="nr-points">{items}</ul>' if points else "")
    return f'<div class="nr-answer">{"".join(parts)}</div>'


def _cited(text: str) -> str:
    """``text`` escaped, with each [n] made a link to source card n (ui.sources)."""
    def links(match: re.Match[str]) -> str:
        numbers = [n.strip() for n in match.group(1).split(",")]
        return "".join(f'<a class="nr-cite" href="#nr-source-{n}" data-source="{n}">[{n}]</a>' for n in numbers)

    return MARKERS.sub(links, html.escape(text, quote=False))


def _shown_message(message: dict[str, str]) -> dict[str, str]:
    content = message["content"]
    shown = _cited(content) if message.get("role") == "assistant" else html.escape(content, quote=False)
    return {**message, "content": shown}


def parse_day(value: str, label: str) -> date | None:
    value = (value or "").strip()
    if not value:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise gr.Error(f"{label}: {value!r} is not a date; use YYYY-MM-DD, e.g. 2024-12-08") from None


def add_files(assistant: NewsAssistant, files: list[str] | None, progress: gr.Progress) -> str:
    """Copy uploads into the uploads folder and ingest them one by one, reporting each file's problems."""
    if not files:
        return "Choose one or more files first."
    target = uploads_dir(assistant)
    target.mkdir(parents=True, exist_ok=True)
    lines = []
    for path in progress.tqdm(files, desc="Adding files"):
        name = safe_name(Path(path).name)
        if Path(name).suffix.lower() not in SUPPORTED_SUFFIXES:
            lines.append(f"✗ {name}: not a supported format ({', '.join(sorted(SUPPORTED_SUFFIXES))})")
            continue
        try:
            stored = keep_upload(Path(path), target, name)
        except InputError as error:
            lines.append(f"✗ {error}")
            continue
        name = stored.name
        try:
            report = assistant.ingest([stored], progress=False)
        except NewsragError as error:
            lines.append(f"✗ {name}: {error}")
            continue
        problems = [f"✗ {name}: {p.reason}" + (f" (line {p.line})" if p.line else "") for p in report.problems]
        lines.extend(problems)
        lines.extend(f"⊘ {page}" for page in report.boilerplate)
        if report.articles_seen or not problems:
            lines.append(f"✓ {name}: {report.articles_added} new, {report.articles_updated} updated, "
                         f"{report.articles_unchanged} unchanged articles; {report.chunks_added} passages added")
    return "\n".join(lines)


def keep_upload(source: Path, folder: Path, name: str) -> Path:
    """Copy an upload into ``folder`` as ``name``; an earlier, different upload of that name is kept, and this one
    becomes ``name (2)`` and so on (an identical one is reused). Never writes outside ``folder``."""
    stem, suffix = Path(name).stem, Path(name).suffix
    for number in range(1, 1000):
        stored = folder / (name if number == 1 else f"{stem} ({number}){suffix}")
        try:
            with open(source, "rb") as data, open(stored, "xb") as copy:  # "x": two uploads never share a name
                shutil.copyfileobj(data, copy)
            return stored
        except FileExistsError:
            if filecmp.cmp(source, stored, shallow=False):
                return stored
    raise InputError(f"{name}: too many different uploads of this name; rename the file")


def safe_name(name: str) -> str:
    """An uploaded file's name reduced to one harmless path component."""
    cleaned = re.sub(r"[^\w.\- ]+", "_", Path(name.replace("\\", "/")).name).strip(" .") or "upload"
    return cleaned[:120]


def stats_html(assistant: NewsAssistant) -> str:
    """The index's figures, one labelled row each: a table with no header row, as there is nothing to head. Source
    names come from articles, so everything is escaped."""
    try:
        stats = assistant.stats()
    except NewsragError as error:
        return f'<div class="nr-empty"><strong>No index yet.</strong> {html.escape(str(error))}</div>'
    more = len(stats.sources) - 12
    sources = ", ".join(stats.sources[:12]) + (f" and {more} more" if more > 0 else "")
    rows = {"Articles": f"{stats.articles:,}", "Passages": f"{stats.chunks:,}",
            "Sources": f"{len(stats.sources)}{': ' + sources if sources else ''}",
            "Dates": f"{stats.oldest} to {stats.newest}" if stats.oldest else "undated",
            "Newest article": str(stats.newest or "undated"), "Embedding model": stats.embedding_model,
            "Index": str(stats.path)}
    body = "".join(f'<tr><th scope="row">{name}</th><td>{html.escape(value)}</td></tr>' for name, value in rows.items())
    return f'<table class="nr-stats">{body}</table>'


def source_choices(assistant: NewsAssistant) -> list[str]:
    try:
        return list(assistant.stats().sources)
    except NewsragError:
        return []


def build_app(assistant: NewsAssistant) -> gr.Blocks:
    """The Blocks app over ``assistant``'s index. Launch it with ``launch`` (below) or ``.launch()``."""
    modes = answer_modes(assistant)
    with gr.Blocks(title="newsrag") as app:
        gr.Markdown("## newsrag\nAsk about the news in the index. Every claim cites its article: check it in the "
                    "sources panel.")
        history = gr.State([])  # the conversation as text: what follow-ups are read with
        shown = gr.State([])  # the conversation as the chat shows it (answers in HTML: points, links to cards)
        # past conversations and the open one, in the person's own browser (ui/chats.py); nothing on the server
        secret = chats.browser_secret(assistant.settings.index_dir)
        saved = gr.BrowserState([], storage_key=chats.STORAGE_KEY, secret=secret)
        current = gr.BrowserState("", storage_key=chats.STORAGE_KEY + "-open", secret=secret)
        with gr.Tab("Chat"):
            with gr.Row():
                with gr.Column(scale=3):
                    chatbot = gr.Chatbot(label="Conversation", height=460, render_markdown=False, elem_id="chat",
                                         buttons=["copy"], feedback_options=None)
                    question = gr.Textbox(placeholder="Ask a question about the news…", show_label=False,
                                          elem_id="question", submit_btn="Ask", autofocus=True)
                    with gr.Row():
                        # shown only while an answer is written (the Textbox's own stop icon read as a checkbox)
                        stop = gr.Button("■ Stop", variant="stop", size="sm", visible=False, elem_id="stop")
                        new_chat = gr.Button("New chat", size="sm", elem_id="new-chat")
                    with gr.Row():
                        past = gr.Dropdown([], label="Past chats (kept in this browser only)", scale=4,
                                           elem_id="past-chats")
                        delete = gr.Button("Delete chat", size="sm", scale=1, elem_id="delete-chat")
                    gr.Examples(EXAMPLES, inputs=question, label="Examples for the bundled corpus")
                with gr.Column(scale=2):
                    gr.Markdown("### Sources")
                    panel = gr.HTML(sources_html(), elem_id="sources", js_on_load=None)
            with gr.Accordion("Options", open=False):
                with gr.Row():
                    mode = gr.Radio([(MODE_LABELS.get(m, m), m) for m in modes], value=assistant.settings.mode,
                                    label="Answer written by")
                    top_k = gr.Slider(1, 20, value=assistant.settings.top_k, step=1, label="Passages to retrieve")
                with gr.Row():
                    date_from = gr.Textbox(label="From (YYYY-MM-DD)", placeholder="any date")
                    date_to = gr.Textbox(label="To (YYYY-MM-DD)", placeholder="any date")
                    sources = gr.Dropdown(source_choices(assistant), multiselect=True, label="Only these sources")
                    around = gr.Textbox(label="Prefer news from around (YYYY-MM-DD)", placeholder="no preference")
        with gr.Tab("Corpus"):
            stats = gr.HTML(stats_html(assistant), elem_id="stats")
            files = gr.File(file_count="multiple", label="Add articles: " + " ".join(sorted(SUPPORTED_SUFFIXES)),
                            file_types=sorted(SUPPORTED_SUFFIXES), elem_id="upload")
            add = gr.Button("Add to index", variant="primary", elem_id="add")
            log = gr.Textbox(label="Result", lines=6, interactive=False, elem_id="upload-log")
            gr.Markdown("### From the web\nAn article page is read once; a feed (RSS, Atom or JSON Feed) can be "
                        "read once or followed, and then every refresh adds its new and changed items.")
            with gr.Row():
                web_url = gr.Textbox(label="Address of an article page or a feed", placeholder="https://…",
                                     scale=3, elem_id="web-url")
                feed_name = gr.Textbox(label="Name (optional, for a followed feed)", scale=1, elem_id="feed-name")
            with gr.Row():
                add_once = gr.Button("Add once", elem_id="add-url")
                follow_feed = gr.Button("Follow feed", variant="primary", elem_id="follow")
            feeds_table = gr.HTML(feeds_html(assistant), elem_id="feeds")
            with gr.Row():
                followed = gr.Dropdown(feed_choices(assistant), label="Followed feed", scale=3, elem_id="followed")
                unfollow_feed = gr.Button("Stop following", elem_id="unfollow")
                refresh = gr.Button("Refresh now", elem_id="refresh")
            web_log = gr.Textbox(label="Result", lines=4, interactive=False, elem_id="web-log")

        def respond(message: str, past: Conversation, past_shown: Conversation, mode_: str, k: float, since: str,
                    until: str, only: list[str] | None, near: str = "",
                    request: gr.Request | None = None) -> Iterator[tuple[Any, ...]]:
            options = Options(mode=mode_, top_k=int(k), date_from=parse_day(since, "From"),
                              date_to=parse_day(until, "To"), sources=tuple(only or ()),
                              around=parse_day(near, "Prefer news from around"))
            with session_turn(getattr(request, "session_hash", None) or "") as allowed:
                if not allowed:
                    told = [*past_shown, {"role": "user", "content": html.escape(message, quote=False)},
                            {"role": "assistant", "content": html.escape(BUSY.format(n=PER_SESSION))}]
                    yield told, gr.skip(), past, past_shown, message  # the question stays in the box
                    return
                for conversation, text, panel_html in chat(assistant, message, past, options, past_shown):
                    yield conversation, panel_html, text, conversation, ""

        def stopped(conversation: Conversation) -> tuple[Conversation, Conversation]:
            """A stopped answer keeps what was shown, less the note that the lead is being written."""
            if conversation and conversation[-1].get("role") == "assistant":
                last = conversation[-1]["content"].replace(WRITING, "")
                conversation = [*conversation[:-1], {**conversation[-1], "content": last}]
            return conversation, conversation

        def stop_shown(visible: bool) -> dict[str, Any]:
            return {"fn": lambda: gr.update(visible=visible), "outputs": stop, "queue": False,
                    "show_progress": "hidden", "api_visibility": "private"}

        asked = question.submit(**stop_shown(True)).then(
            respond, [question, history, shown, mode, top_k, date_from, date_to, sources, around],
            [chatbot, panel, history, shown, question], api_name="ask", concurrency_limit=answer_slots(assistant),
            concurrency_id="answers")
        asked.then(**stop_shown(False))  # after the answer, a refusal or an error alike
        halted = stop.click(**stop_shown(False), cancels=[asked]).then(
            stopped, shown, [chatbot, shown], queue=False, show_progress="hidden", api_visibility="private")
        chatbot.clear(lambda: ([], [], sources_html(), gr.update(visible=False), "", gr.update(value=None)), None,
                      [history, shown, panel, stop, current, past], cancels=[asked], api_visibility="private")
        new_chat.click(lambda: ([], [], [], sources_html(), "", gr.update(visible=False), "", gr.update(value=None)),
                       None, [chatbot, history, shown, panel, question, stop, current, past], cancels=[asked],
                       api_name="new_chat")

        def keep(text: Conversation, conversation: Conversation, sources_panel: str, kept: list[chats.Chat],
                 open_id: str) -> tuple[Any, ...]:
            """Save the open conversation in the browser, first in the list, after each answer (or stop)."""
            kept, open_id = chats.save(kept, open_id, text, conversation, sources_panel)
            return kept, open_id, gr.update(choices=chats.choices(kept), value=open_id or None)

        def reopen(kept: list[chats.Chat], open_id: str) -> tuple[Any, ...]:
            """A conversation as it was left: the chat, what follow-ups read, its sources panel."""
            chat = chats.find(kept, open_id)
            listed = gr.update(choices=chats.choices(kept), value=chat["id"] if chat else None)
            if chat is None:
                return [], [], [], sources_html(), "", listed
            return (chat.get("shown") or [], chat.get("history") or [], chat.get("shown") or [],
                    chat.get("panel") or sources_html(), chat["id"], listed)

        def forget(kept: list[chats.Chat], open_id: str) -> tuple[Any, ...]:
            kept = chats.delete(kept, open_id)
            return (kept, [], [], [], sources_html(), "", gr.update(choices=chats.choices(kept), value=None))

        saving = {"fn": keep, "inputs": [history, shown, panel, saved, current], "outputs": [saved, current, past],
                  "queue": False, "show_progress": "hidden", "api_visibility": "private"}
        asked.then(**saving)
        halted.then(**saving)
        shown_again = [chatbot, history, shown, panel, current, past]
        past.input(reopen, [saved, past], shown_again, cancels=[asked],
                   api_visibility="private")
        delete.click(forget, [saved, current], [saved, chatbot, history, shown, panel, current, past], cancels=[asked],
                     api_visibility="private")
        app.load(reopen, [saved, current], shown_again, api_visibility="private")

        def upload(paths: list[str] | None,
                   progress: gr.Progress = gr.Progress()) -> tuple[Any, ...]:  # noqa: B008 - Gradio's idiom
            result = add_files(assistant, paths, progress)
            return result, stats_html(assistant), gr.update(choices=source_choices(assistant)), None

        add.click(upload, files, [log, stats, sources, files], api_name="add_files", concurrency_limit=1)

        def corpus_views(message: str) -> tuple[Any, ...]:
            """After a web action: its result, and every view of the corpus brought up to date."""
            return (message, stats_html(assistant), gr.update(choices=source_choices(assistant)),
                    feeds_html(assistant), gr.update(choices=feed_choices(assistant), value=None))

        web_views = [web_log, stats, sources, feeds_table, followed]
        add_once.click(lambda u: corpus_views(add_url(assistant, u)), web_url, web_views, api_name="add_url",
                       concurrency_limit=1, concurrency_id="web")
        follow_feed.click(lambda u, n: corpus_views(follow(assistant, u, n)), [web_url, feed_name], web_views,
                          api_name="follow_feed", concurrency_limit=1, concurrency_id="web")
        unfollow_feed.click(lambda u: corpus_views(unfollow(assistant, u)), followed, web_views,
                            api_name="unfollow_feed", concurrency_limit=1, concurrency_id="web")
        refresh.click(lambda: corpus_views(refresh_now(assistant)), None, web_views, api_name="refresh_feeds",
                      concurrency_limit=1, concurrency_id="web")
        app.load(lambda: (stats_html(assistant), gr.update(choices=source_choices(assistant)), feeds_html(assistant),
                          gr.update(choices=feed_choices(assistant))), None,
                 [stats, sources, feeds_table, followed], api_visibility="private")
    return app


def launch(assistant: NewsAssistant, host: str = "127.0.0.1", port: int | None = None,
           auth: tuple[str, str] | None = None, block: bool = True, refresh_every: float | None = None) -> gr.Blocks:
    """Serve the app; with ``block``, until Ctrl+C (``KeyboardInterrupt`` is raised after the server stops). With
    ``refresh_every`` (seconds) the followed feeds are refreshed in the background, at start and then that often,
    while answers go on being served. Binding beyond this machine without a login is allowed but warned about.
    Gradio's own lines (its URL, how to make a
    public link, its Ctrl+C notice) are not printed: the caller says where the app is, and a public link is not
    something newsrag offers."""
    if host not in ("127.0.0.1", "localhost", "::1") and not auth:
        print(f"newsrag: warning: serving on {host} without a login: anyone who can reach this address can use "
              "the assistant and add files (set NEWSRAG_UI_AUTH=user:password or --auth)", flush=True)
    assistant.warm_up(background=True)  # models load, and read their instructions, before the first question
    app = build_app(assistant)
    app.queue(max_size=64, default_concurrency_limit=answer_slots(assistant))
    app.launch(server_name=host, server_port=port, auth=auth, prevent_thread_lock=True, css=CSS, head=HEAD,
               max_file_size=MAX_UPLOAD, footer_links=[], quiet=True, show_error=False, ssr_mode=False)
    refresher = Refresher(assistant, refresh_every, lambda: bool(app.is_running)).start() if refresh_every else None
    if block:
        try:
            while app.is_running:
                time.sleep(0.2)
        finally:
            if refresher:
                refresher.stop()
            app.close(verbose=False)
    return app


def parse_auth(value: str | None) -> tuple[str, str] | None:
    """``user:password`` → (user, password); empty → no login."""
    if not value:
        return None
    user, sep, password = value.partition(":")
    if not (sep and user and password):
        raise InputError("the login must be given as user:password (NEWSRAG_UI_AUTH or --auth)")
    return user, password

