"""The ``newsrag`` command: ingest articles, ask questions, inspect the index.

Every failure a user can cause prints one line (``newsrag: error: …``) and exits non-zero; no stack traces.
"""

from __future__ import annotations

import argparse
import json
import sys
from dataclasses import asdict
from datetime import date
from pathlib import Path
from typing import Any, NoReturn

from rag.config import ANSWER_MODES
from rag.errors import InputError, NewsragError, one_line
from rag.types import Answer, Filters

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
  newsrag chat                                a conversation: follow-ups, /sources, /new, /quit
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

    parser = _Parser(
        prog="newsrag", description="Answer questions about a news corpus, citing the articles.",
        epilog=EXAMPLES, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--version", action="version", version=f"newsrag {_version()}")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND", parser_class=_Parser)

    ingest = commands.add_parser(
        "ingest", parents=[common], help="add articles to the index",
        description="Add articles to the index: .txt .md .html .json .jsonl .csv and RSS/Atom (.xml .rss .atom) "
                    "files, folders (recursively) or globs, and http(s) URLs of article pages or feeds (told apart "
                    "by content; a feed's items are fetched page by page). Unchanged articles are skipped, changed "
                    "ones replaced; unreadable inputs are reported and skipped.")
    ingest.add_argument("paths", nargs="+", metavar="PATH|URL", help="file, folder, glob or http(s) URL")
    ingest.add_argument("--prune", action="store_true",
                        help="also remove indexed articles whose files under PATH were deleted or no longer hold "
                             "them (a file that fails to load keeps its articles)")
    ingest.add_argument("--quiet", action="store_true", help="no progress bar")
    ingest.add_argument("--json", action="store_true", help="print the report as JSON")

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
    feeds_list = feed_commands.add_parser("list", parents=[common], help="the feeds followed, with their last fetch")
    feeds_list.add_argument("--json", action="store_true", help="print as JSON")
    feeds_remove = feed_commands.add_parser("remove", parents=[common], help="stop following a feed",
                                            description="Stop following a feed. Its articles stay in the index "
                                                        "unless --articles is given.")
    feeds_remove.add_argument("url", metavar="URL", help="the feed's address, as feeds list shows it")
    feeds_remove.add_argument("--articles", action="store_true", help="also remove the articles it brought")

    refresh = commands.add_parser("refresh", parents=[common], help="fetch every followed feed",
                                  description="Fetch every followed feed: a conditional GET each (a feed left "
                                              "unchanged costs one request), then the pages of new and changed "
                                              "items, which are indexed. Each feed's failure is one line; the others "
                                              "go on. Exits 1 only when every feed failed.")
    refresh.add_argument("--json", action="store_true", help="print the result as JSON")

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

    ask = commands.add_parser("ask", parents=[common, answering], help="answer a question with cited sources",
                              description="Answer a question from the indexed articles, citing them as [n].")
    ask.add_argument("question", help="the question, in quotes")
    ask.add_argument("--json", action="store_true", help="print the answer, citations and passages as JSON")

    commands.add_parser("chat", parents=[common, answering], help="a conversation in the terminal, with follow-ups",
                        description="Ask question after question; follow-ups ('Where did he go?') are read with the "
                                    "last turns. The models load once, while you type the first question. "
                                    "/sources shows the last answer's sources in full, /new starts a new "
                                    "conversation, /quit (or Ctrl+D) leaves.")

    stats = commands.add_parser("stats", parents=[common], help="show what the index holds")
    stats.add_argument("--json", action="store_true", help="print as JSON")

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


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return COMMANDS[args.command](args)
    except NewsragError as exc:
        print(f"newsrag: error: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("newsrag: interrupted", file=sys.stderr)
        return 130


def _assistant(args: argparse.Namespace, **overrides: Any):  # noqa: ANN202
    from rag.assistant import NewsAssistant
    from rag.config import Settings

    return NewsAssistant(settings=Settings.load(args.config, index_dir=args.index, **overrides))


def cmd_ingest(args: argparse.Namespace) -> int:
    assistant = _assistant(args)
    report = assistant.ingest(args.paths, progress=False if args.quiet or args.json else None, prune=args.prune,
                              on_problem=None if args.json else lambda p: print(f"skipped {p}", file=sys.stderr))
    if args.json:
        print(_to_json({**asdict(report), "problems": [str(p) for p in report.problems],
                        "boilerplate": [str(b) for b in report.boilerplate],
                        "chunks_per_second": round(report.chunks_per_second, 1)}))
    else:
        for page in report.boilerplate:
            print(f"set aside {page}", file=sys.stderr)
        changed = report.articles_added + report.articles_updated
        line = (f"{_count(report.articles_seen, 'article')} read: {report.articles_added} new, "
                f"{report.articles_updated} updated, {report.articles_unchanged} unchanged; "
                f"{_count(report.chunks_added, 'chunk')} added")
        if changed:
            line += f" in {report.seconds:.1f}s"
            if report.model_seconds:
                line += f" ({report.model_seconds:.1f}s of it loading the embedding model)"
            line += f", {report.chunks_per_second:.1f} chunks/s"
        else:
            line += " (nothing new to index)"
        if report.articles_removed:
            line += f"; {report.articles_removed} removed"
        if report.chunks_repaired:
            line += f"; repaired an interrupted earlier ingest ({report.chunks_repaired} stray chunks removed)"
        if report.boilerplate:
            line += f"; {_count(len(report.boilerplate), 'page')} set aside as site boilerplate"
        if report.problems:
            line += f"; {len(report.problems)} input(s) skipped"
        print(line + f". Index: {assistant.index.location}")
    return 1 if report.problems and not report.articles_seen else 0


def cmd_ask(args: argparse.Namespace) -> int:
    assistant = _assistant(args, top_k=args.top_k, mode=args.mode)
    if args.json:
        print(_to_json(_answer_dict(assistant.ask(args.question, filters=_filters(args)))))
        return 0
    from cli.terminal import print_answer

    assistant.warm_up(instructions=False, background=True)  # the chat model loads while the embedder does
    print_answer(assistant, args.question, filters=_filters(args))
    return 0


def cmd_chat(args: argparse.Namespace) -> int:
    from cli.terminal import Chat

    return Chat(_assistant(args, top_k=args.top_k, mode=args.mode), _filters(args)).run()


def _filters(args: argparse.Namespace) -> Filters:
    return Filters(tuple(args.source), args.since, args.until, args.as_of, args.around)


def cmd_feeds(args: argparse.Namespace) -> int:
    assistant = _assistant(args)
    if args.feeds_command == "add":
        result = assistant.subscribe(args.url, args.name)
        print(f"following {result.url}\n{result.line()}")
        return 0
    if args.feeds_command == "remove":
        removed = assistant.unsubscribe(args.url, remove_articles=args.articles)
        gone = f"; {_count(removed, 'article')} removed" if args.articles else \
            " (its articles stay; --articles removes them)"
        print(f"no longer following {one_line(args.url.strip())}{gone}")
        return 0
    subscriptions = assistant.feeds.all()
    if args.json:
        print(_to_json([asdict(s) for s in subscriptions]))
        return 0
    if not subscriptions:
        print("no feeds followed yet: newsrag feeds add URL")
    for s in subscriptions:
        state = f"error: {s.last_error}" if s.last_error else "ok" if s.last_fetch else "never fetched"
        print(f"{s.url}\n  {s.name or '(no name)'} · last fetch {s.fetched} · {state} · "
              f"{_count(s.items_added, 'article')} added")
    return 0


def cmd_refresh(args: argparse.Namespace) -> int:
    assistant = _assistant(args)
    if not assistant.feeds.all():
        raise InputError("no feeds followed yet: add one with newsrag feeds add URL")
    report = assistant.refresh(on_feed=None if args.json else lambda result: print(result.line(), flush=True))
    if args.json:
        print(_to_json({"seconds": round(report.seconds, 1), "feeds": [
            {"url": f.url, "name": f.name, "ok": f.ok, "error": f.error, "not_modified": f.not_modified,
             "items": f.items, "fetched": f.fetched, "from_summary": f.from_summary, "problems": list(f.problems),
             "added": f.report.articles_added if f.report else 0,
             "updated": f.report.articles_updated if f.report else 0} for f in report.feeds]}))
    else:
        print(f"{_count(len(report.feeds), 'feed')} refreshed in {report.seconds:.1f}s: "
              f"{report.articles_added} added, {report.articles_updated} updated, {len(report.failed)} failed. "
              f"Index: {assistant.index.location}")
    return 1 if report.feeds and len(report.failed) == len(report.feeds) else 0


def cmd_remove(args: argparse.Namespace) -> int:
    assistant = _assistant(args)
    assistant.stats()  # a missing index is an error here, not a new empty one
    removed = assistant.remove(args.targets)
    print(f"{removed} article(s) removed. Index: {assistant.index.location}")
    return 0


def cmd_stats(args: argparse.Namespace) -> int:
    assistant = _assistant(args)
    stats = assistant.stats()
    boilerplate = assistant.pages.boilerplate_count()
    if args.json:
        print(_to_json({**asdict(stats), "boilerplate_pages": boilerplate}))
        return 0
    span = f"{stats.oldest} to {stats.newest}" if stats.oldest else "no dated articles"
    print(f"index:     {stats.path}\narticles:  {stats.articles}\nchunks:    {stats.chunks}\n"
          f"sources:   {len(stats.sources)}{': ' + ', '.join(stats.sources[:10]) if stats.sources else ''}"
          f"{' …' if len(stats.sources) > 10 else ''}\ndates:     {span}\nembedder:  {stats.embedding_model}\n"
          f"set aside: {_count(boilerplate, 'page')} of site boilerplate (not indexed as articles)")
    return 0


def cmd_ui(args: argparse.Namespace) -> int:
    import os

    from ui.app import launch, parse_auth

    assistant = _assistant(args)
    auth = parse_auth(args.auth or os.environ.get("NEWSRAG_UI_AUTH"))
    print(f"newsrag: serving {assistant.settings.index_dir} at http://{args.host}:{args.port} (Ctrl+C stops)",
          flush=True)
    if args.refresh_every:
        print(f"newsrag: refreshing {_count(len(assistant.feeds.all()), 'followed feed')} every "
              f"{args.refresh_every:g}s in the background", flush=True)
    launch(assistant, host=args.host, port=args.port, auth=auth, refresh_every=args.refresh_every)
    return 0


def cmd_model_server(args: argparse.Namespace) -> int:
    import os
    import time

    from rag.config import Settings
    from rag.models.server import start_model_server

    if not 1 <= args.slots <= 64:
        raise InputError(f"--slots must be between 1 and 64, got {args.slots}")
    key = os.environ.get("NEWSRAG_MODEL_SERVER_KEY", "")
    if args.host not in ("127.0.0.1", "localhost", "::1") and not key:
        print(f"newsrag: warning: serving the model on {args.host} without a key: anyone who can reach it can use it "
              "(set NEWSRAG_MODEL_SERVER_KEY, and the same value as openai_api_key on the clients)", flush=True)
    server = start_model_server(Settings.load(args.config, index_dir=args.index), args.host, args.port, args.slots,
                                api_key=key)
    print(f"newsrag: serving {server.model} at {server.base_url} with {_count(server.slots, 'slot')} "
          f"(loaded in {server.load_seconds:.1f}s; Ctrl+C stops). Clients: mode = \"openai\", "
          f"openai_base_url = \"{server.base_url}\", openai_parallel = {server.slots}", flush=True)
    while True:
        time.sleep(3600)


def cmd_eval(args: argparse.Namespace) -> int:
    from eval.harness import run_eval
    from eval.report import summary_text
    from rag.config import Settings

    for flag, value in (("--limit", args.limit), ("--sample", args.sample)):
        if value is not None and value < 1:
            raise InputError(f"{flag} must be at least 1, got {value}")
    out = args.out or f"eval/reports/{Path(args.dataset).resolve().name}"
    report = run_eval(args.dataset, out_dir=out, limit=args.limit, sample=args.sample, mode=args.mode,
                      cache_dir=args.cache, progress=False if args.quiet else None,
                      settings=Settings.load(args.config, index_dir=args.index), dates=args.dates, corpus=args.corpus)
    print(summary_text(report, out))  # the headline figures, from the metric table (eval/metrics.py)
    return 0


COMMANDS = {"ingest": cmd_ingest, "feeds": cmd_feeds, "refresh": cmd_refresh, "remove": cmd_remove, "ask": cmd_ask,
            "chat": cmd_chat, "stats": cmd_stats,
            "ui": cmd_ui, "model-server": cmd_model_server, "eval": cmd_eval}


def _answer_dict(answer: Answer) -> dict[str, Any]:
    data = asdict(answer)
    for citation in data["citations"]:  # flatten: a citation reads as its number plus its passage's fields
        citation.update(citation.pop("passage"))
    # a key point reads as its text, its citation and its source's date, then where in the article it stands
    data["points"] = [{"text": p.text, "citation": p.number, "date": p.published_at, "source": p.passage.source,
                       "title": p.passage.title, "url": p.passage.url, "start": p.passage.start, "end": p.passage.end}
                      for p in answer.points]
    return data


def _to_json(data: Any) -> str:
    return json.dumps(data, indent=2, ensure_ascii=False,
                      default=lambda o: o.isoformat() if isinstance(o, date) else str(o))


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}{'' if n == 1 else 's'}"


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


if __name__ == "__main__":
    sys.exit(main())
