"""What each ``newsrag`` command does once argparse has read it (``cli.parser``): one ``cmd_*`` function per
command, each taking the parsed arguments and returning the exit status, and the JSON they print.

The models, the index, the browser app and the evaluation harness are imported inside the functions, so that
``newsrag --help`` loads none of them.
"""

from __future__ import annotations

import argparse
import json
import sys
from dataclasses import asdict
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

from rag import Answer, Filters, InputError, briefing_dict, one_line, story_dict

if TYPE_CHECKING:
    from rag import NewsAssistant


def _assistant(args: argparse.Namespace, **overrides: Any) -> NewsAssistant:
    from rag import NewsAssistant, Settings

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

    warming = assistant.warm_up(instructions=False, background=True)  # the chat model loads while the embedder does
    print_answer(assistant, args.question, filters=_filters(args))
    if warming is not None:  # a briefing needs no model and can be done first: a process must not exit mid-load
        warming.join()  # (a native library's thread torn down at exit aborts it: "terminate called …", status 134)
    return 0


def cmd_chat(args: argparse.Namespace) -> int:
    from cli.terminal import Chat

    return Chat(_assistant(args, top_k=args.top_k, mode=args.mode), _filters(args)).run()


def cmd_brief(args: argparse.Namespace) -> int:
    from cli.terminal import print_briefing

    _check_window(args)
    if args.limit is not None and not 1 <= args.limit <= 100:
        raise InputError(f"--limit must be between 1 and 100, got {args.limit}")
    if not 1 <= args.days <= 365:
        raise InputError(f"--days must be between 1 and 365, got {args.days}")
    assistant = _assistant(args)
    briefing = assistant.brief(since=args.since, until=args.until, topic=args.topic, limit=args.limit, days=args.days)
    if args.json:
        print(_to_json(briefing_dict(briefing)))
    else:
        print_briefing(briefing)
    if not briefing.stories:
        _hint_rebuild(assistant)
    return 0


def cmd_stories(args: argparse.Namespace) -> int:
    import time

    from cli.terminal import print_stories

    _check_window(args)
    if not 1 <= args.limit <= 1000:
        raise InputError(f"--limit must be between 1 and 1000, got {args.limit}")
    assistant = _assistant(args)
    rebuilt: dict[str, Any] = {}
    if args.rebuild:
        started = time.perf_counter()
        placed = assistant.rebuild_stories(progress=sys.stderr.isatty())
        seconds = time.perf_counter() - started
        _, count = assistant.story_store.count()
        rebuilt = {"rebuilt": placed, "stories_rebuilt": count, "seconds": round(seconds, 1)}
        if not args.json:
            print(f"placed {_count(placed, 'article')} in {count} stor{'y' if count == 1 else 'ies'} in "
                  f"{seconds:.1f}s\n", flush=True)
    stories = assistant.stories(since=args.since, until=args.until, limit=args.limit)
    if args.json:
        print(_to_json({**rebuilt, "stories": [story_dict(s) for s in stories]}))
        return 0
    if stories:
        print_stories(stories)
    else:
        window = f" with an article dated {_span(args.since, args.until)}" if args.since or args.until else ""
        print(f"no stories{window}")
        _hint_rebuild(assistant)
    return 0


def _check_window(args: argparse.Namespace) -> None:
    if args.since and args.until and args.since > args.until:
        raise InputError(f"--since {args.since.isoformat()} is after --until {args.until.isoformat()}")


def _span(since: date | None, until: date | None) -> str:
    if since and until:
        return f"from {since.isoformat()} to {until.isoformat()}"
    return f"on or after {since.isoformat()}" if since else f"on or before {until.isoformat()}" if until else ""


def _hint_rebuild(assistant: NewsAssistant) -> None:
    """An index with articles but none placed in a story was built before stories existed (or with them off)."""
    if assistant.story_store.count()[0] == 0 and assistant.stats().articles:
        print("newsrag: hint: no article of this index is in a story yet (indexed before stories existed, or with "
              "stories off): newsrag stories --rebuild groups them", file=sys.stderr)


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

    from rag import Settings, start_model_server

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
    from rag import Settings

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
            "chat": cmd_chat, "brief": cmd_brief, "stories": cmd_stories, "stats": cmd_stats,
            "ui": cmd_ui, "model-server": cmd_model_server, "eval": cmd_eval}


def _answer_dict(answer: Answer) -> dict[str, Any]:
    data = asdict(answer)
    story_of = {a.article_id: s.id for s in answer.stories for a in s.articles}
    for citation in data["citations"]:  # flatten: a citation reads as its number plus its passage's fields
        citation.update(citation.pop("passage"))
        citation["story"] = story_of.get(citation["article_id"])  # the id of its story in "stories", or null
        citation["also_published_by"] = list(citation["also_published_by"])  # outlets that ran a copy of it
    # a key point (or a quiz answer's evidence) reads as its text, its citation and its source's date, then where in
    # the article it stands
    for key in ("points", "evidence"):
        data[key] = [{"text": p.text, "citation": p.number, "date": p.published_at, "source": p.passage.source,
                      "title": p.passage.title, "url": p.passage.url, "start": p.passage.start, "end": p.passage.end}
                     for p in getattr(answer, key)]
    data["stories"] = [story_dict(s) for s in answer.stories]  # a briefing's stories, else its sources' ([]: none)
    data["suggestions"] = list(answer.suggestions)  # questions to ask next about its story ([] for a briefing)
    return data


def _to_json(data: Any) -> str:
    return json.dumps(data, indent=2, ensure_ascii=False,
                      default=lambda o: o.isoformat() if isinstance(o, date) else str(o))


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}{'' if n == 1 else 's'}"
