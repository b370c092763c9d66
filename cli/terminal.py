"""Answers in a terminal: streamed as the model writes them, then the sources; briefings and story listings
(``newsrag brief``, ``newsrag stories``); and ``newsrag chat``, a resident conversation that loads the models once
and keeps the follow-up context (as ``llm chat`` does).

>>> Chat(NewsAssistant(index_dir="index")).run()      # reads questions from stdin until /quit or end of input
"""

from __future__ import annotations

import sys
import textwrap
from collections.abc import Iterable, Sequence
from typing import TextIO

from rag import (
    Answer,
    Briefing,
    Citation,
    Filters,
    KeyPoint,
    KeyPoints,
    Message,
    NewsAssistant,
    NewsragError,
    Story,
    StoryArticle,
    briefing_text,
    coverage,
    origin_label,
    point_line,
)

COMMANDS_HELP = ("/1, /2, /3: ask a question suggested under the last answer · /sources: the last answer's sources in "
                 "full · /new: a new conversation · /quit: leave")
WHOLE = ("brief", "outlets")  # forms whose text shows their key points in sections (stories, outlets), printed whole
EVIDENCE = "Evidence (quoted from the sources; the answer follows once checked):"  # a quiz answer's, shown first
HISTORY_TURNS = 4  # question-answer pairs kept for follow-ups (the rewrite reads the last two)


def print_answer(assistant: NewsAssistant, question: str, history: list[Message] | None = None,
                 filters: Filters | None = None, out: TextIO | None = None, numbered: bool = False) -> Answer:
    """Stream the answer to ``out``, each part once it is checked: an open answer's key points as soon as they are
    chosen, then the model's lead below them; a quiz answer's evidence as soon as it is chosen, then its checked
    phrase with the sentence that states it; a briefing (a question
    about the news as a whole) whole, story by story, and an outlet-by-outlet answer whole, outlet by outlet. Then
    the sources, grouped by story (a briefing's as numbered: its text shows its stories), and the questions to ask
    next (``numbered`` /1, /2 … for the chat to ask them by)."""
    out = out or sys.stdout
    answer = None
    points = False
    held: KeyPoints | None = None  # a briefing's (per outlet answer's) points: shown within its stories (outlets)
    lead = ""
    evidence = False
    for event in assistant.stream(question, history=history, filters=filters):
        if held is not None and not isinstance(event, Answer):  # text follows: an open answer after all
            print(points_block(held.points, held.not_given), file=out, flush=True)
            held, points = None, True
        if isinstance(event, KeyPoints):
            if event.form == "quiz":  # evidence, while the model names the answer
                print(points_block(event.points, heading=EVIDENCE), file=out, flush=True)
                evidence = True
            elif event.form in WHOLE:  # a briefing's or an outlet-by-outlet answer's: shown within its text
                held = event
            else:
                print(points_block(event.points, event.not_given), file=out, flush=True)
                points = True
        elif isinstance(event, str):
            if (points or evidence) and not lead:
                print("\nAnswer: " if evidence else "\nIn short: ", end="", file=out)
            lead += event
            print(event, end="", file=out, flush=True)
        elif isinstance(event, Answer):
            answer = event
    assert answer is not None  # stream always ends with an Answer
    if held is not None and answer.form not in WHOLE:
        print(points_block(held.points, held.not_given), file=out)
    elif held is not None or answer.form == "brief" or (not points and not lead):  # a briefing, points per outlet,
        print(answer.text, end="", file=out)  # or a refusal before any text
    print(file=out)
    if answer.citations:
        print("\nSources:", file=out)
        if answer.form == "brief":
            print_citations(answer.citations, out)
        else:
            print_story_citations(answer.citations, answer.stories, out)
    if answer.suggestions:
        print("\nAsk next:", file=out)
        for number, suggestion in enumerate(answer.suggestions, start=1):
            print(f"  /{number} {suggestion}" if numbered else f"  {suggestion}", file=out)
    return answer


def print_citations(citations: Iterable[Citation], out: TextIO | None = None) -> None:
    """A numbered sources list, as under an answer: "[n] title — source, date" (and the outlets that ran a copy of
    it) and the URL (or file) below."""
    out = out or sys.stdout
    for citation in citations:
        print(f"  [{citation.number}] {_heading(citation)}", file=out)
        if where := _where(citation):
            print(f"      {where}", file=out)


def print_story_citations(citations: Sequence[Citation], stories: Sequence[Story], out: TextIO | None = None) -> None:
    """The sources list grouped by story: for each story of two or more articles holding a cited source, "Story:
    headline — coverage" and its sources as ``print_citations`` lists them; then the other sources (a story of one
    article would only repeat its title)."""
    out = out or sys.stdout
    shown: set[int] = set()
    for story in (s for s in stories if len(s.articles) > 1):
        members = {a.article_id for a in story.articles}
        cited = [c for c in citations if c.passage.article_id in members and c.number not in shown]
        if not cited:
            continue
        if shown:
            print(file=out)
        print(f"Story: {story.title} — {coverage(story)}", file=out)
        print_citations(cited, out)
        shown.update(c.number for c in cited)
    rest = [c for c in citations if c.number not in shown]
    if rest and shown:
        print(file=out)
    print_citations(rest, out)


def print_briefing(briefing: Briefing, out: TextIO | None = None) -> None:
    """A briefing (``newsrag brief``): its stories with their cited key points, then the articles quoted."""
    out = out or sys.stdout
    print(briefing_text(briefing), file=out)
    citations = {p.number: Citation(p.number, p.passage) for story in briefing.stories for p in story.points}
    if citations:
        print("\nSources:", file=out)
        print_citations([citations[n] for n in sorted(citations)], out)


def print_stories(stories: Sequence[Story], out: TextIO | None = None) -> None:
    """Stories biggest first (``newsrag stories``): each one's headline and coverage, then its articles, one line
    for its date, outlet and title (a copy says whose), one for its URL."""
    out = out or sys.stdout
    for rank, story in enumerate(stories, start=1):
        if rank > 1:
            print(file=out)
        print(f"{rank}. {story.title}\n   {coverage(story)}", file=out)
        by_id = {a.article_id: a for a in story.articles}
        for article in story.articles:
            print(f"   {article_line(article, by_id.get(article.copy_of) if article.copy_of else None)}", file=out)
            if article.url:
                print(f"     {article.url}", file=out)


def article_line(article: StoryArticle, original: StoryArticle | None = None) -> str:
    """"• 2024-05-02 · Coast Daily · Quake hits the north (copy of Andes Post, 2024-05-01)"."""
    parts = [article.published_at.isoformat() if article.published_at else "undated", article.source, article.title]
    line = "• " + " · ".join(p for p in parts if p)
    if article.copy_of:
        if original is None:
            line += " (a copy of another article)"
        else:
            whose = ", ".join(p for p in (original.source or original.title,
                                          original.published_at.isoformat() if original.published_at else "") if p)
            line += f" (copy of {whose})"
    return line


def points_block(points: Sequence[KeyPoint], not_given: str = "", heading: str = "Key points:") -> str:
    """An open answer's key points (a quiz answer's evidence, under its own ``heading``), one per line (wrapped and
    indented), under what the articles do not give."""
    lines = [f"{not_given}\nWhat the articles report:" if not_given else heading]
    for point in points:
        lines.append(textwrap.fill(point_line(point), width=100, initial_indent="  ", subsequent_indent="    "))
    return "\n".join(lines)


def print_sources(answer: Answer | None, out: TextIO | None = None) -> None:
    """Each source of ``answer`` with the passage the answer was written from."""
    out = out or sys.stdout
    if answer is None or not answer.citations:
        print("No sources yet: ask a question first." if answer is None else "The last answer cites no source.",
              file=out)
        return
    for citation in answer.citations:
        print(f"[{citation.number}] {_heading(citation)}", file=out)
        if where := _where(citation):
            print(f"    {where}", file=out)
        print(textwrap.fill(" ".join(citation.passage.text.split()), width=100, initial_indent="    ",
                            subsequent_indent="    "), file=out)
        print(file=out)


def _heading(citation: Citation) -> str:
    """"title — source, date", then "· also published by A, B" when other outlets ran a copy of the article."""
    meta = ", ".join(x for x in (citation.source, citation.published_at.isoformat() if citation.published_at else "")
                     if x)
    copies = citation.passage.also_published_by
    return (citation.title + (f" — {meta}" if meta else "")
            + (f" · also published by {', '.join(copies)}" if copies else ""))


def _where(citation: Citation) -> str:
    """Where to read the source: its URL; for an article from a file that names no outlet, that file (the outlet
    and date in the heading say more than a path)."""
    return citation.url or ("" if citation.source else origin_label(citation.passage.origin))


class Chat:
    """A conversation in the terminal. The models load in the background while the first question is typed; each
    answer streams; a follow-up ("Where did he go?") is read with the last few turns."""

    def __init__(self, assistant: NewsAssistant, filters: Filters | None = None, out: TextIO | None = None) -> None:
        self.assistant = assistant
        self.filters = filters
        self.out = out or sys.stdout
        self.history: list[Message] = []
        self.last: Answer | None = None

    def run(self, lines: Iterable[str] | None = None) -> int:
        """Answer each line until ``/quit`` or the end of input; ``lines`` defaults to what is typed (with line
        editing where the platform has ``readline``). Returns the exit status."""
        stats = self.assistant.stats()  # no index: an error now, before the first question
        warming = self.assistant.warm_up(background=True)
        articles = f"{stats.articles} article{'' if stats.articles == 1 else 's'}"
        print(f"newsrag chat: {articles} in {stats.path}, answers by {self.assistant.settings.mode} "
              f"mode.\n{COMMANDS_HELP}", file=self.out, flush=True)
        if self.assistant.settings.mode == "local":
            from rag import speed_note

            if note := speed_note():
                print(f"note: {note}", file=self.out, flush=True)
        for line in lines if lines is not None else _typed():
            if not self.handle(line.strip()):
                break
        if warming is not None:  # left before a question needed the models (/quit, or only a briefing, which needs
            warming.join()  # none): exiting while a native library loads in a thread aborts the process
        return 0

    def handle(self, line: str) -> bool:
        """Act on one line; False when the conversation should end."""
        if not line:
            return True
        if line.startswith("/"):
            return self._command(line)
        try:
            self.last = print_answer(self.assistant, line, self.history, self.filters, self.out, numbered=True)
        except NewsragError as exc:
            print(f"newsrag: error: {exc}", file=self.out)
            return True
        except KeyboardInterrupt:  # Ctrl+C stops this answer, not the conversation
            print("\n(stopped)", file=self.out)
            return True
        self.history = [*self.history, {"role": "user", "content": line},
                        {"role": "assistant", "content": self.last.text}][-2 * HISTORY_TURNS:]
        print(file=self.out, flush=True)
        return True

    def _command(self, line: str) -> bool:
        command = line.split()[0].lower()
        if command in ("/quit", "/exit", "/q"):
            return False
        if command == "/new":
            self.history, self.last = [], None
            print("New conversation: follow-ups no longer refer to earlier questions.", file=self.out)
        elif command == "/sources":
            print_sources(self.last, self.out)
        elif command == "/help":
            print(COMMANDS_HELP, file=self.out)
        elif command[1:].isdigit():
            return self._suggested(int(command[1:]))
        else:
            print(f"unknown command {command}: {COMMANDS_HELP}", file=self.out)
        return True

    def _suggested(self, number: int) -> bool:
        """Ask the ``number``-th question suggested under the last answer ("/1"), as if it had been typed."""
        offered = self.last.suggestions if self.last is not None else ()
        if not 1 <= number <= len(offered):
            have = f"/1 to /{len(offered)}" if len(offered) > 1 else "/1" if offered else "none"
            print(f"no suggestion /{number}: the last answer suggests {have}", file=self.out)
            return True
        print(f"> {offered[number - 1]}", file=self.out, flush=True)
        return self.handle(offered[number - 1])


def _typed() -> Iterable[str]:
    """Lines typed at a ``> `` prompt until end of input (Ctrl+D) or Ctrl+C at the prompt."""
    try:
        import readline  # noqa: F401 - line editing and history for input()
    except ImportError:  # Windows
        pass
    while True:
        try:
            yield input("> " if sys.stdin.isatty() else "")
        except (EOFError, KeyboardInterrupt):
            print()
            return
