"""A scripted conversation as ``newsrag chat`` holds it: each question streamed by ``NewsAssistant.stream`` with the
last turns as its history (the last four question-answer pairs, as the chat keeps them); how long the first answer
and the follow-ups take once the models are loaded, as a user of the resident chat sees it.

    python -m eval.benchmarks.chat                   # the conversation below, over ./index (e.g. newsrag ingest seeds/)
    python -m eval.benchmarks.chat --index my-index --turns questions.txt      # one question per line; "/new" allowed

Prints each turn's seconds to the first streamed text (an open answer's key points, or the first words of the
answer; an answer that streams nothing shows whole at the end) and to the end of the answer, then the medians of the
follow-ups (turns after the first of each conversation). "/new" starts a new conversation, as in the chat; other
"/" commands are ignored. The chat's printing, which costs microseconds, is left out.
"""

from __future__ import annotations

import argparse
import statistics
import time
from pathlib import Path

from rag import ANSWER_MODES, Answer, KeyPoints, Message, NewsAssistant, NewsragError, Settings

TURNS = ("What happened in Aleppo?", "Who was fighting there?", "Where did Assad flee to?", "Why did he go there?",
         "Who seized Deir ez-Zor?", "When did the opposition take Damascus?", "/new", "Where did the clashes erupt?",
         "What did the army command announce?")
HISTORY_TURNS = 4  # question-answer pairs kept for follow-ups, as newsrag chat keeps them (cli/terminal.py)


def answer(assistant: NewsAssistant, question: str, history: list[Message]) -> tuple[float | None, Answer | None]:
    """Stream one answer as the chat does: (when its first text arrived, the answer). An error ends the turn with no
    answer, as the chat shows it and carries on."""
    first, found = None, None
    try:
        for event in assistant.stream(question, history=history):
            if first is None and (isinstance(event, KeyPoints) or (isinstance(event, str) and event.strip())):
                first = time.perf_counter()
            elif isinstance(event, Answer):
                found = event
    except NewsragError:
        return first, None
    return first, found


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

    history: list[Message] = []
    follow_ups: list[tuple[float, float]] = []
    for turn in turns:
        if turn.strip().startswith("/"):
            if turn.strip().split()[0].lower() == "/new":
                history = []
            continue
        is_follow_up = bool(history)
        started = time.perf_counter()
        first_text, said = answer(assistant, turn, history) if turn else (None, None)
        total = time.perf_counter() - started
        first = (first_text or time.perf_counter()) - started
        if said is not None:
            history = [*history, {"role": "user", "content": turn},
                       {"role": "assistant", "content": said.text}][-2 * HISTORY_TURNS:]
        if is_follow_up:
            follow_ups.append((first, total))
        print(f"{'follow-up' if is_follow_up else 'first    '} first text {first:5.1f} s, answer {total:5.1f} s: "
              f"{turn}", flush=True)
    if follow_ups:
        print(f"follow-ups: first text p50 {statistics.median(f for f, _ in follow_ups):.1f} s, answer p50 "
              f"{statistics.median(t for _, t in follow_ups):.1f} s over {len(follow_ups)}")


if __name__ == "__main__":
    main()
