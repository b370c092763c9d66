"""Load: many questions at once through the Python API and through the running Gradio app (``gradio_client``, each
question its own client, as separate people), on loopback. Prints throughput, p50/p95 latency, errors, uncited
answers and the process's resident memory before and at its peak during the load.

    python -m eval.benchmarks.load                                  # 20 at once over seeds/, the configured mode
    python -m eval.benchmarks.load --mode extractive --questions 40 --concurrency 20
    python -m eval.benchmarks.load --index my-index --gold eval/gold/my-set     # a gold set folder (eval/dataset.py)
    python -m eval.benchmarks.load --questions 60 --concurrency 20 --channel app --model-server 4
        # 20 people asking 3 questions each through the app, answered by llama.cpp's HTTP server with 4 slots

``tests/system/test_load.py`` runs the same load (quoted-sentence answers) in CI and checks nothing fails.
"""

from __future__ import annotations

import argparse
import re
import threading
import time
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from eval.benchmarks.common import ROOT, rss_mb
from eval.dataset import load_dataset
from eval.scoring import percentile
from rag import NewsAssistant

SEED_GOLD = ROOT / "eval" / "gold" / "seeds"

Asker = Callable[[str], str]  # asks one question, returns the answer's text
CITATION = re.compile(r"\[\d+\]")


@dataclass(frozen=True)
class LoadReport:
    channel: str
    concurrency: int
    seconds: float
    latencies: tuple[float, ...]
    answers: tuple[str | None, ...]  # in question order; None where the question failed
    errors: tuple[str, ...]
    rss_mb_before: float
    rss_mb_peak: float

    @property
    def cited(self) -> int:
        """Answers citing a source; the rest are refusals ("the articles do not cover this")."""
        return sum(bool(a and CITATION.search(a)) for a in self.answers)

    @property
    def throughput(self) -> float:
        return len(self.latencies) / self.seconds if self.seconds else 0.0

    def line(self) -> str:
        p50, p95 = (percentile(list(self.latencies), q) or 0.0 for q in (50, 95))
        return (f"{self.channel:<4} {len(self.latencies) + len(self.errors):>3} questions, {self.concurrency} at once: "
                f"{self.seconds:.1f} s, {self.throughput:.2f} answers/s, latency p50 {p50:.2f} s p95 {p95:.2f} s, "
                f"{len(self.errors)} errors, {self.cited} cited answers, RSS {self.rss_mb_before:,.0f} -> peak "
                f"{self.rss_mb_peak:,.0f} MB")


def run_load(ask: Asker, questions: Sequence[str], concurrency: int, channel: str) -> LoadReport:
    """Ask all ``questions``, ``concurrency`` at a time, sampling memory while they run."""
    before, peak, done = rss_mb(), [rss_mb()], threading.Event()

    def sample() -> None:
        while not done.wait(0.05):
            peak[0] = max(peak[0], rss_mb())

    def timed(question: str) -> tuple[float, str | None, str | None]:
        started = time.perf_counter()
        try:
            answer = ask(question)
        except Exception as exc:  # noqa: BLE001 - counted and reported, never lost
            return time.perf_counter() - started, None, f"{type(exc).__name__}: {exc}"
        return time.perf_counter() - started, answer, None

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    started = time.perf_counter()
    with ThreadPoolExecutor(concurrency) as pool:
        results = list(pool.map(timed, questions))
    seconds = time.perf_counter() - started
    done.set()
    sampler.join()
    return LoadReport(channel, concurrency, seconds, tuple(t for t, a, _ in results if a is not None),
                      tuple(a for _, a, _ in results), tuple(e for _, _, e in results if e), before,
                      max(peak[0], rss_mb()))


def api_asker(assistant: NewsAssistant) -> Asker:
    return lambda question: assistant.ask(question).text


def app_asker(url: str, mode: str) -> Asker:
    from gradio_client import Client

    def ask(question: str) -> str:
        conversation, panel, _ = Client(url, verbose=False).predict(question, mode, 5, "", "", [], "", api_name="/ask")
        text = conversation[-1]["content"][0]["text"]
        if CITATION.search(text) and 'id="nr-source-1"' not in panel:
            raise AssertionError("an answer cites sources the panel does not show")
        return text

    return ask


def questions_from(gold: Path, count: int) -> list[str]:
    """``count`` questions of the gold set in ``gold`` (a folder ``eval/dataset.py`` reads), repeated as needed."""
    asked = [q.question for q in load_dataset(gold).questions]
    return [asked[i % len(asked)] for i in range(count)]


def main(argv: Sequence[str] | None = None) -> int:
    import tempfile

    from ui.app import launch

    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--index", help="an existing index (default: a new one of seeds/ in a temp folder)")
    parser.add_argument("--gold", type=Path, default=SEED_GOLD, help="a gold set folder to take questions from")
    parser.add_argument("--questions", type=int, default=20)
    parser.add_argument("--concurrency", type=int, default=20)
    parser.add_argument("--mode", help="answer mode (default: the configured one)")
    parser.add_argument("--channel", choices=("both", "api", "app"), default="both")
    parser.add_argument("--model-server", type=int, metavar="SLOTS",
                        help="answer through llama.cpp's OpenAI-compatible server (rag/models/server.py) with this "
                             "many slots, started here on loopback (mode openai)")
    args = parser.parse_args(argv)

    with tempfile.TemporaryDirectory() as scratch:
        overrides: dict[str, Any] = {"mode": args.mode} if args.mode else {}
        if args.model_server:
            from rag import Settings, start_model_server

            server = start_model_server(Settings(), port=_free_port(), slots=args.model_server)
            print(f"model server: {server.base_url}, {server.slots} slots, loaded in {server.load_seconds:.1f} s")
            overrides.update(mode="openai", openai_base_url=server.base_url, openai_model=server.model,
                             openai_parallel=server.slots)
        assistant = NewsAssistant(index_dir=args.index or Path(scratch) / "index", **overrides)
        if not args.index:
            assistant.ingest([ROOT / "seeds"], progress=False)
        questions = questions_from(args.gold, args.questions)
        started = time.perf_counter()
        assistant.ask(questions[0])  # models load once, before the clock starts
        print(f"mode {assistant.settings.mode}; first answer (models loading) {time.perf_counter() - started:.1f} s")
        if args.channel in ("both", "api"):
            print(run_load(api_asker(assistant), questions, args.concurrency, "api").line(), flush=True)
        if args.channel in ("both", "app"):
            app = launch(assistant, block=False)  # loopback, a free port from 7860 up
            try:
                asker = app_asker(str(app.local_url), assistant.settings.mode)
                print(run_load(asker, questions, args.concurrency, "app").line())
            finally:
                app.close()
    return 0


def _free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


if __name__ == "__main__":
    raise SystemExit(main())
