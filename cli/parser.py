"""The ``newsrag`` command line as argparse reads it: every command, option and help text, and the argument types
(dates, intervals) that turn a bad flag into one error line before any command runs.

Kept apart from the commands (``cli.commands``) so that ``newsrag --help`` and a mistyped flag cost no more than
argparse and the names it shows. The ``--json`` flag is one parent parser (``as_json``) shared by the seven commands
that print JSON.
"""

from __future__ import annotations

import argparse
from datetime import date
from typing import NoReturn

from rag import ANSWER_MODES

EXAMPLES = """examples:
  newsrag ingest seeds/                       index the bundled corpus
  newsrag ingest 'feeds/**/*.xml' news.jsonl  files, folders and globs
  newsrag ingest --prune feeds/               sync: also drop articles whose files are gone
  newsrag ingest https://news.example/story   an article page, or a feed (RSS, Atom, JSON Feed) and its items
  newsrag feeds add https://news.example/rss  follow a feed (fetched now, and by every refresh)
  newsrag refresh                             fetch every followed feed: only new or changed items are indexed
  newsrag remove feeds/old.jsonl              remove the articles read from a file (or an id, a URL)
  newsrag ask "Where did the clashes erupt?"
  newsrag ask --json --since 2024-01-01 "What happened in Aleppo?"
  newsrag ask "What happened this week?"      a briefing: the week's biggest stories (also "Catch me up")
  newsrag chat                                a conversation: follow-ups, /1 (a suggested question), /sources
  newsrag brief                               the biggest stories of the last 7 days, with cited key points
  newsrag brief --since 2024-05-01 --topic "Ukraine"
  newsrag stories --since 2024-05-01          every story of the window: its outlets and its articles
  newsrag stories --rebuild                   group the whole index into stories again (an older index has none)
  newsrag stats
  newsrag ui                                  chat in the browser at http://127.0.0.1:7860
  newsrag eval --dataset eval/gold/seeds      score answers against a gold Q&A set
"""


class _Parser(argparse.ArgumentParser):
    """argparse with the one-line errors every other failure gets (not the usage block), and a pointer to help."""

    def error(self, message: str) -> NoReturn:
        self.exit(2, f"{self.prog.split()[0]}: error: {message} (see {self.prog} --help)\n")


def build_parser() -> argparse.ArgumentParser:
    common = _Parser(add_help=False)
    common.add_argument("--index", metavar="DIR", help="index folder (default: $NEWSRAG_INDEX_DIR or ./index)")
    common.add_argument("--config", metavar="FILE",
                        help="TOML settings file (default: $NEWSRAG_CONFIG or ./newsrag.toml)")
    as_json = _Parser(add_help=False)  # one --json for every command that can print JSON
    as_json.add_argument("--json", action="store_true", help="print as JSON")

    parser = _Parser(
        prog="newsrag", description="Answer questions about a news corpus, citing the articles.",
        epilog=EXAMPLES, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--version", action="version", version=f"newsrag {_version()}")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND", parser_class=_Parser)

    ingest = commands.add_parser(
        "ingest", parents=[common, as_json], help="add articles to the index",
        description="Add articles to the index: .txt .md .html .json .jsonl .csv and RSS/Atom (.xml .rss .atom) "
                    "files, folders (recursively) or globs, and http(s) URLs of article pages or feeds (told apart "
                    "by content; a feed's items are fetched page by page). Unchanged articles are skipped, changed "
                    "ones replaced; unreadable inputs are reported and skipped.")
    ingest.add_argument("paths", nargs="+", metavar="PATH|URL", help="file, folder, glob or http(s) URL")
    ingest.add_argument("--prune", action="store_true",
                        help="also remove indexed articles whose files under PATH were deleted or no longer hold "
                             "them (a file that fails to load keeps its articles)")
    ingest.add_argument("--quiet", action="store_true", help="no progress bar")

    remove = commands.add_parser("remove", parents=[common], help="remove articles from the index",
                                 description="Remove articles by id, URL, or the file or folder they were read "
                                             "from. Nothing is removed if any target matches no article.")
    remove.add_argument("targets", nargs="+", metavar="TARGET", help="article id, URL, file or folder")

    feeds = commands.add_parser("feeds", parents=[common], help="follow RSS/Atom/JSON feeds",
                                description="The feeds this index follows: newsrag refresh fetches them all.")
    feed_commands = feeds.add_subparsers(dest="feeds_command", required=True, metavar="add|list|remove",
                                         parser_class=_Parser)
    feeds_add = feed_commands.add_parser("add", parents=[common], help="follow a feed and fetch it now",
                                         description="Follow a feed and fetch its items now. A URL that cannot "
                                                     "be fetched or is not a feed is not kept.")
    feeds_add.add_argument("url", metavar="URL", help="the feed's http(s) address")
    feeds_add.add_argument("--name", default="", help="what to call it (default: the feed's own title)")
    feed_commands.add_parser("list", parents=[common, as_json], help="the feeds followed, with their last fetch")
    feeds_remove = feed_commands.add_parser("remove", parents=[common], help="stop following a feed",
                                            description="Stop following a feed. Its articles stay in the index "
                                                        "unless --articles is given.")
    feeds_remove.add_argument("url", metavar="URL", help="the feed's address, as feeds list shows it")
    feeds_remove.add_argument("--articles", action="store_true", help="also remove the articles it brought")

    commands.add_parser("refresh", parents=[common, as_json], help="fetch every followed feed",
                        description="Fetch every followed feed: a conditional GET each (a feed left unchanged costs "
                                    "one request), then the pages of new and changed items, which are indexed. Each "
                                    "feed's failure is one line; the others go on. Exits 1 only when every feed "
                                    "failed.")

    answering = _Parser(add_help=False)
    answering.add_argument("-k", "--top-k", type=int, help="passages to retrieve (default 5)")
    answering.add_argument("-m", "--mode", choices=ANSWER_MODES,
                           help="who writes the answer: local (a chat model on this machine, the default), extractive "
                                "(quoted sentences, no model) or openai (an OpenAI-compatible API)")
    answering.add_argument("--source", action="append", default=[], metavar="NAME",
                           help="only articles from this source (repeatable)")
    answering.add_argument("--since", type=_date, metavar="YYYY-MM-DD", help="only articles published on or after")
    answering.add_argument("--until", type=_date, metavar="YYYY-MM-DD", help="only articles published on or before")
    answering.add_argument("--as-of", type=_date, metavar="YYYY-MM-DD",
                           help="answer as of that day: ignore later articles and prefer those published shortly "
                                "before")
    answering.add_argument("--around", type=_date, metavar="YYYY-MM-DD",
                           help="prefer articles published near that day (nothing is ignored)")

    ask = commands.add_parser("ask", parents=[common, answering, as_json], help="answer a question with cited sources",
                              description="Answer a question from the indexed articles, citing them as [n]. A "
                                          "question about the news as a whole ('What happened this week?', 'Catch "
                                          "me up', 'What are the main stories about Ukraine?') is answered with a "
                                          "briefing of the biggest stories, as newsrag brief gives it (the filters "
                                          "below do not narrow a briefing: newsrag brief --since/--until do). "
                                          "The sources are listed by story, with the questions to ask next. "
                                          "--json: the answer's fields; each citation also gives the id of its "
                                          "story (or null) and the outlets that ran a copy (also_published_by); "
                                          "stories are the stories of the sources (a briefing's own stories for a "
                                          "briefing), suggestions the questions to ask next.")
    ask.add_argument("question", help="the question, in quotes")

    commands.add_parser("chat", parents=[common, answering], help="a conversation in the terminal, with follow-ups",
                        description="Ask question after question; follow-ups ('Where did he go?') are read with the "
                                    "last turns. A first question about the news as a whole ('What happened this "
                                    "week?', 'Catch me up') gets a briefing of the biggest stories, as newsrag brief "
                                    "gives it. The models load once, while you type the first question. "
                                    "/1, /2, /3 ask the questions suggested under the last answer, /sources shows "
                                    "its sources in full, /new starts a new conversation, /quit (or Ctrl+D) "
                                    "leaves.")

    brief = commands.add_parser(
        "brief", parents=[common, as_json], help="the biggest stories of a window, with cited key points",
        description="A briefing: the biggest stories of a window (most outlets first, then most articles), each "
                    "with its headline, its outlets and dates, and one or two key points quoted from its articles "
                    "and cited [n], then the sources. No chat model: it takes about a second. The window is "
                    "--since to --until; a missing end is --days from the other, and with neither it is the --days "
                    "up to today (up to the newest article when the index holds nothing that recent). "
                    '"newsrag ask \'What happened this week?\'" and "Catch me up" answer with the same briefing.')
    _window_options(brief, "stories with an article published")
    brief.add_argument("--days", type=int, default=7, metavar="N",
                       help="the window's length in days when --since or --until is missing (default 7)")
    brief.add_argument("--topic", default="", metavar="TEXT",
                       help="only stories about this, as search finds it (e.g. --topic 'the floods in Spain')")
    brief.add_argument("--limit", type=int, metavar="K", help="at most K stories (default: brief_stories, 10)")

    stories = commands.add_parser(
        "stories", parents=[common, as_json], help="list the stories: which articles report the same event",
        description="The stories in the index, biggest first (most outlets, then most articles, then the latest): "
                    "per story its headline and coverage, then each article with its date, outlet, title and URL "
                    "(an article that repeats another, a wire copy, is marked as a copy). Articles are placed in "
                    "stories as they are indexed; --rebuild places every article again from the vectors the index "
                    "holds (nothing is embedded): for an index built before stories existed, or after changing "
                    "story_window_days or story_threshold.")
    _window_options(stories, "stories with an article published")
    stories.add_argument("--limit", type=int, default=50, metavar="K", help="at most K stories (default 50)")
    stories.add_argument("--rebuild", action="store_true",
                         help="first group every indexed article into stories again, then list them")

    commands.add_parser("stats", parents=[common, as_json], help="show what the index holds")

    ui = commands.add_parser("ui", parents=[common], help="chat in the browser (Gradio)",
                             description="Serve the chat app: streamed cited answers, a sources panel, filters and "
                                         "a corpus tab for uploads. Binds 127.0.0.1 unless --host says otherwise.")
    ui.add_argument("--host", default="127.0.0.1", help="address to bind (default 127.0.0.1: this machine only)")
    ui.add_argument("--port", type=int, default=7860, help="port (default 7860)")
    ui.add_argument("--auth", metavar="USER:PASSWORD",
                    help="require this login (default: $NEWSRAG_UI_AUTH; prefer the variable: flags show in ps)")
    ui.add_argument("--refresh-every", type=_duration, metavar="INTERVAL",
                    help="refresh the followed feeds in the background this often, e.g. 30m, 2h, 1d (default: never)")

    serve = commands.add_parser(
        "model-server", parents=[common], help="serve the chat model over HTTP (OpenAI-compatible) for others",
        description="Serve llm_model through llama.cpp's OpenAI-compatible HTTP server, so that many newsrag "
                    "processes (newsrag ui or ask with mode openai, openai_base_url pointing here) share one model. "
                    "Requires a bearer key when NEWSRAG_MODEL_SERVER_KEY is set.")
    serve.add_argument("--host", default="127.0.0.1", help="address to bind (default 127.0.0.1: this machine only)")
    serve.add_argument("--port", type=int, default=8080, help="port (default 8080)")
    serve.add_argument("--slots", type=int, default=4,
                       help="answers written at once (default 4); set openai_parallel to the same number")

    evaluate = commands.add_parser(
        "eval", parents=[common], help="score retrieval, answers and speed on a gold Q&A set",
        description="Evaluate on a dataset folder (corpus.jsonl, questions.jsonl, optional baselines/*.jsonl). "
                    "The corpus index is cached by content hash (--cache), so a second run embeds nothing. "
                    "Writes report.json, report.md, questions.csv and PNG plots to --out.")
    evaluate.add_argument("--dataset", required=True, metavar="DIR", help="e.g. eval/gold/seeds")
    evaluate.add_argument("--out", metavar="DIR", help="report folder (default: eval/reports/<dataset name>)")
    evaluate.add_argument("--limit", type=int, metavar="N", help="only the first N questions")
    evaluate.add_argument("--sample", type=int, metavar="N", help="a random N questions (the same N every run)")
    evaluate.add_argument("--mode", choices=ANSWER_MODES, help="answer mode (default: the configured one)")
    evaluate.add_argument("--dates", choices=("soft", "hard"), default="soft",
                          help="how answers use each question's date: soft prefers articles near it (default), hard "
                               "also ignores later ones; retrieval is scored both ways")
    evaluate.add_argument("--cache", default="eval/.cache", metavar="DIR", help="where corpus indexes are cached")
    evaluate.add_argument("--corpus", metavar="FILE",
                          help="the articles to index (default: DIR/corpus.jsonl, else the one sibling folder's "
                               "corpus.jsonl, for a folder of questions only)")
    evaluate.add_argument("--quiet", action="store_true", help="no progress bars")
    return parser


def _window_options(command: argparse.ArgumentParser, what: str) -> None:
    command.add_argument("--since", type=_date, metavar="YYYY-MM-DD", help=f"only {what} on or after")
    command.add_argument("--until", type=_date, metavar="YYYY-MM-DD", help=f"only {what} on or before")


def _version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("newsrag")
    except PackageNotFoundError:  # run from a checkout that was never installed
        return "unknown"


def _duration(text: str) -> float:
    """'30m', '2h', '1d', '90s' or a number of seconds -> seconds (at least 10)."""
    units = {"s": 1, "m": 60, "h": 3600, "d": 86400}
    value = text.strip().lower()
    try:
        seconds = float(value[:-1]) * units[value[-1]] if value and value[-1] in units else float(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a duration (e.g. 30m, 2h, 1d): {text!r}") from None
    if seconds < 10:
        raise argparse.ArgumentTypeError(f"at least 10 seconds apart, got {text!r}")
    return seconds


def _date(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a date (YYYY-MM-DD): {text!r}") from None
