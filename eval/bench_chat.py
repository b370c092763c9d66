"""A scripted conversation through ``newsrag chat``'s own loop (``cli.terminal.Chat``): how long the first answer
and the follow-ups take once the models are loaded, as a user of the resident chat sees it.

    python -m eval.bench_chat                        # the conversation below, over ./index (e.g. newsrag ingest seeds/)
    python -m eval.bench_chat --index my-index --turns questions.txt      # one question per line; "/new" allowed

Prints each turn's seconds to the first streamed text and to the end of the answer, then the medians of the
follow-ups (turns after the first of each conversation).
"""

from __future__ import annotations

import argparse
import io
import statistics
import time
from pathlib import Path

from cli.terminal import Chat
from rag.assistant import NewsAssistant
from rag.config import ANSWER_MODES, Settings

TURNS = ("What happened in Aleppo?", "Who was fighting there?", "Where did Assad flee to?", "Why did he go there?",
         "Who seized Deir ez-Zor?", "When did the opposition take Damascus?", "/new", "Where did the clashes erupt?",
         "What did the army command announce?")


class _Clock(io.StringIO):
    """The chat's output, noting when the first text of each answer arrives."""

    def __init__(self) -> None:
        super().__init__()
        self.first_write: float | None = None

    def write(self, text: str) -> int:
        if self.first_write is None and text.strip():
            self.first_write = time.perf_counter()
        return super().write(text)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--index", help="index folder (default: the configured one)")
    parser.add_argument("--turns", type=Path, help="a file of questions, one per line")
    parser.add_argument("--mode", choices=ANSWER_MODES)
    args = parser.parse_args()
    turns = args.turns.read_text(encoding="utf-8").splitlines() if args.turns else list(TURNS)

    assistant = NewsAssistant(settings=Settings.load(index_dir=args.index, mode=args.mode))
    started = time.perf_counter()
    assistant.warm_up()  # what the chat does while the first question is typed
    print(f"warm-up (models loaded, instructions read): {time.perf_counter() - started:.1f} s", flush=True)

    out = _Clock()
    chat = Chat(assistant, out=out)
    follow_ups: list[tuple[float, float]] = []
    for turn in turns:
        if turn.strip().startswith("/"):
            chat.handle(turn.strip())
            continue
        is_follow_up = bool(chat.history)
        out.first_write, started = None, time.perf_counter()
        chat.handle(turn)
        total = time.perf_counter() - started
        first = (out.first_write or time.perf_counter()) - started
        if is_follow_up:
            follow_ups.append((first, total))
        print(f"{'follow-up' if is_follow_up else 'first    '} first text {first:5.1f} s, answer {total:5.1f} s: "
              f"{turn}", flush=True)
    if follow_ups:
        print(f"follow-ups: first text p50 {statistics.median(f for f, _ in follow_ups):.1f} s, answer p50 "
              f"{statistics.median(t for _, t in follow_ups):.1f} s over {len(follow_ups)}")


if __name__ == "__main__":
    main()
