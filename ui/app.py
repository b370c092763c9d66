"""The Gradio chat app: the page (``build_app``, its layout and the wiring of its events) and ``launch``, which serves
it. Streamed cited answers beside a sources panel (grouped by story), the questions each answer suggests asking next
(one click each), filters, a stories tab (the biggest stories of a window, each one click from the chat) and a corpus
tab for uploads; the work behind each part has its own module in ui/ (ui/__init__.py lists them).

    from rag import NewsAssistant
    from ui.app import build_app
    build_app(NewsAssistant(index_dir="index")).launch()

or ``newsrag ui`` / ``python -m ui``. Answers stream from ``NewsAssistant.stream``; each request gets a sibling
assistant with the options chosen in the page (``NewsAssistant.with_settings``), so the models and the store load
once per process however many people ask at once.
"""

from __future__ import annotations

import html
import time
from collections.abc import Iterator
from typing import Any

import gradio as gr

from rag import SUPPORTED_SUFFIXES, InputError, NewsAssistant
from ui import chats
from ui.exchange import SUGGESTED, Conversation, ask_suggested, chat, suggestion_buttons
from ui.feeds import Refresher, add_url, feed_choices, feeds_html, follow, refresh_now, unfollow
from ui.limits import BUSY, PER_SESSION, answer_slots, session_turn
from ui.options import MODE_LABELS, Options, answer_modes, parse_day, source_choices
from ui.render import WRITING, stats_html
from ui.sources import sources_html
from ui.stories import ASK_SCRIPT, CHOSEN, START, WEEK, WINDOWS, brief_stories, chosen_question
from ui.styles import CSS, HEAD
from ui.uploads import MAX_UPLOAD, add_files

EXAMPLES = ["Where did Assad flee to?", "Summarize the situation in Syria.", "Why are there clashes in Aleppo?",
            "Give me a timeline of the opposition's advance.", "What did Russia say about Assad's departure?"]


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
        suggested = gr.State([])  # the questions the last answer suggests asking next, shown as buttons under the chat
        with gr.Tabs(selected="chat") as tabs:
            with gr.Tab("Chat", id="chat"):
                with gr.Row():
                    with gr.Column(scale=3):
                        chatbot = gr.Chatbot(label="Conversation", height=460, render_markdown=False, elem_id="chat",
                                             buttons=["copy"], feedback_options=None)
                        with gr.Column(visible=False, elem_id="suggestions") as suggestion_row:
                            gr.Markdown("Ask next:", elem_classes="nr-ask-next")
                            with gr.Row():
                                suggestion_asks = [gr.Button(visible=False, size="sm", min_width=0,
                                                             elem_classes="nr-suggestion",
                                                             elem_id=f"suggestion-{n + 1}")
                                                   for n in range(SUGGESTED)]
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
            with gr.Tab("Stories", id="stories"):
                gr.Markdown("### The biggest stories\nWhat the most outlets report, biggest first, each point "
                            "quoted from an article and cited. Ask about a story to read more in the chat.")
                with gr.Row():
                    window = gr.Radio(list(WINDOWS), value=WEEK, label="Stories of", elem_id="story-window")
                    topic = gr.Textbox(label="About (optional)", placeholder="any topic", elem_id="story-topic")
                with gr.Row(visible=False) as chosen_dates:
                    story_from = gr.Textbox(label="From (YYYY-MM-DD)", placeholder="2024-12-01", elem_id="story-from")
                    story_to = gr.Textbox(label="To (YYYY-MM-DD; empty: the same day)", placeholder="2024-12-08",
                                          elem_id="story-to")
                brief_me = gr.Button("Brief me", variant="primary", elem_id="brief-me")
                story_cards = gr.HTML(START, elem_id="story-cards", js_on_load=ASK_SCRIPT)
                story_questions = gr.State([])  # what each card's "Ask about this story" asks, in the cards' order
            with gr.Tab("Corpus", id="corpus"):
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
                    yield told, gr.skip(), past, past_shown, message, gr.skip()  # the question stays in the box
                    return
                for conversation, text, panel_html, asks in chat(assistant, message, past, options, past_shown):
                    yield conversation, panel_html, text, conversation, "", asks

        def stopped(conversation: Conversation) -> tuple[Conversation, Conversation]:
            """A stopped answer keeps what was shown, less the note that the lead is being written."""
            if conversation and conversation[-1].get("role") == "assistant":
                last = conversation[-1]["content"].replace(WRITING, "")
                conversation = [*conversation[:-1], {**conversation[-1], "content": last}]
            return conversation, conversation

        def stop_shown(visible: bool) -> dict[str, Any]:
            return {"fn": lambda: gr.update(visible=visible), "outputs": stop, "queue": False,
                    "show_progress": "hidden", "api_visibility": "private"}

        answering = {"fn": respond,
                     "inputs": [question, history, shown, mode, top_k, date_from, date_to, sources, around],
                     "outputs": [chatbot, panel, history, shown, question, suggested],
                     "concurrency_limit": answer_slots(assistant), "concurrency_id": "answers"}
        asked = question.submit(**stop_shown(True)).then(**answering, api_name="ask")

        def ask_about(questions: list[str], event: gr.EventData) -> tuple[Any, ...]:
            """A story card's "Ask about this story": a new chat, on the Chat tab, asking what happened in it."""
            chosen = chosen_question(questions, getattr(event, "story", None))
            if chosen is None:
                raise gr.Error("That story is no longer listed: choose Brief me again.")
            return (chosen, gr.Tabs(selected="chat"), [], [], [], sources_html(), gr.update(visible=True), "",
                    gr.update(value=None), [])

        # one click: the question goes in the box, the Chat tab opens on a new chat, and it is asked as Ask would
        asked_story = story_cards.click(
            ask_about, story_questions,
            [question, tabs, chatbot, history, shown, panel, stop, current, past, suggested],
            queue=False, show_progress="hidden", api_visibility="private",
        ).success(**answering, api_visibility="private")
        # a suggested question, one click: it goes in the box and is asked in this chat, as Ask would
        asked_suggestions = [ask.click(ask_suggested, ask, [question, stop, suggested], queue=False,
                                       show_progress="hidden", api_visibility="private"
                                       ).success(**answering, api_visibility="private")
                             for ask in suggestion_asks]
        suggested.change(suggestion_buttons, suggested, [suggestion_row, *suggestion_asks], queue=False,
                         show_progress="hidden", api_visibility="private")
        answers = [asked, asked_story, *asked_suggestions]
        # whatever was being answered stops: the new chat is this story's (as New chat does; the click's own answer
        # starts only once the chat is new, so it is not among those stopped)
        story_cards.click(None, cancels=answers, queue=False, show_progress="hidden", api_visibility="private")
        for answer in answers:
            answer.then(**stop_shown(False))  # after the answer, a refusal or an error alike
        halted = stop.click(**stop_shown(False), cancels=answers).then(
            stopped, shown, [chatbot, shown], queue=False, show_progress="hidden", api_visibility="private")
        chatbot.clear(lambda: ([], [], sources_html(), gr.update(visible=False), "", gr.update(value=None), []), None,
                      [history, shown, panel, stop, current, past, suggested], cancels=answers,
                      api_visibility="private")
        new_chat.click(lambda: ([], [], [], sources_html(), "", gr.update(visible=False), "", gr.update(value=None),
                                []),
                       None, [chatbot, history, shown, panel, question, stop, current, past, suggested],
                       cancels=answers, api_name="new_chat")

        def keep(text: Conversation, conversation: Conversation, sources_panel: str, kept: list[chats.Chat],
                 open_id: str) -> tuple[Any, ...]:
            """Save the open conversation in the browser, first in the list, after each answer (or stop)."""
            kept, open_id = chats.save(kept, open_id, text, conversation, sources_panel)
            return kept, open_id, gr.update(choices=chats.choices(kept), value=open_id or None)

        def reopen(kept: list[chats.Chat], open_id: str) -> tuple[Any, ...]:
            """A conversation as it was left: the chat, what follow-ups read, its sources panel (no suggestions: they
            were the last answer's, for the moment it was given)."""
            chat = chats.find(kept, open_id)
            listed = gr.update(choices=chats.choices(kept), value=chat["id"] if chat else None)
            if chat is None:
                return [], [], [], sources_html(), "", listed, []
            return (chat.get("shown") or [], chat.get("history") or [], chat.get("shown") or [],
                    chat.get("panel") or sources_html(), chat["id"], listed, [])

        def forget(kept: list[chats.Chat], open_id: str) -> tuple[Any, ...]:
            kept = chats.delete(kept, open_id)
            return (kept, [], [], [], sources_html(), "", gr.update(choices=chats.choices(kept), value=None), [])

        saving = {"fn": keep, "inputs": [history, shown, panel, saved, current], "outputs": [saved, current, past],
                  "queue": False, "show_progress": "hidden", "api_visibility": "private"}
        for answer in [*answers, halted]:
            answer.then(**saving)
        shown_again = [chatbot, history, shown, panel, current, past, suggested]
        past.input(reopen, [saved, past], shown_again, cancels=answers, api_visibility="private")
        delete.click(forget, [saved, current], [saved, chatbot, history, shown, panel, current, past, suggested],
                     cancels=answers, api_visibility="private")
        app.load(reopen, [saved, current], shown_again, api_visibility="private")

        def upload(paths: list[str] | None,
                   progress: gr.Progress = gr.Progress()) -> tuple[Any, ...]:  # noqa: B008 - Gradio's idiom
            result = add_files(assistant, paths, progress)
            return result, stats_html(assistant), gr.update(choices=source_choices(assistant)), None

        add.click(upload, files, [log, stats, sources, files], api_name="add_files", concurrency_limit=1)

        window.change(lambda w: gr.update(visible=w == CHOSEN), window, chosen_dates, queue=False,
                      show_progress="hidden", api_visibility="private")
        brief_me.click(lambda w, f, t, a: brief_stories(assistant, w, f, t, a), [window, story_from, story_to, topic],
                       [story_cards, story_questions], api_name="brief")
        topic.submit(lambda w, f, t, a: brief_stories(assistant, w, f, t, a), [window, story_from, story_to, topic],
                     [story_cards, story_questions], api_visibility="private")

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
