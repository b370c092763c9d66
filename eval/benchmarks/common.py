"""What more than one benchmark (or test) needs, in one place, so that no benchmark imports another:

- ``ROOT``, the repository, for the bundled gold sets and seeds;
- ``HashedEmbeddings``, a cheap, deterministic stand-in for the embedding model, where the embedder is not the
  subject (the scale and boilerplate benchmarks, the tests that cross SQLite's limits);
- ``copy_lines``: bigger corpora from a real one, copies of every article under a changed URL and a shifted date;
- ``rss_mb`` and ``status_mb``: this process's resident memory, as /proc/self/status gives it;
- ``step_result`` and ``run_step``: a benchmark that measures each step in its own process (so that each peak RSS is
  its own) runs itself with ``--step NAME --args JSON`` and reads the ``RESULT`` line the child prints.

Run as a script, it writes a bigger dataset folder from a real one:

    python -m eval.benchmarks.common --dataset ../shared/benchmarks/rtqa-2022-dev --copies 2 --out /tmp/rtqa-x2

(its questions and baselines as they are, the corpus ``--copies`` times over), which ``newsrag eval --dataset``
reads. Copy 0 is the original; copy k moves each article ``k * SHIFT_DAYS`` later and gives it its own URL, so it is
a new article to the index (same words, different id and date).
"""

from __future__ import annotations

import argparse
import json
import re
import resource
import shutil
import subprocess
import sys
import zlib
from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import numpy as np
from langchain_core.embeddings import Embeddings

ROOT = Path(__file__).resolve().parents[2]
SHIFT_DAYS = 365


# --- a stand-in embedder

_WORD = re.compile(r"\w+")


class HashedEmbeddings(Embeddings):
    """Bag-of-hashed-words unit vectors. ``model_name`` is what the index records as its embedding model.

    Each word is hashed to one of ``dimensions`` signed slots (the hashing trick), so texts that share words lie
    close and the vectors cost microseconds. It knows nothing of meaning: use it only where the embedder is not the
    subject, never to measure retrieval quality.
    """

    def __init__(self, dimensions: int = 64) -> None:
        self.dimensions = dimensions
        self.model_name = f"hashed-words-{dimensions}"

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        vectors = np.zeros((len(texts), self.dimensions), dtype=np.float32)
        for row, text in enumerate(texts):
            for word in _WORD.findall(text.lower()):
                code = zlib.crc32(word.encode("utf-8"))
                vectors[row, code % self.dimensions] += 1.0 if code & (1 << 31) else -1.0
        vectors[:, 0] += 1e-3  # a text without words still gets a direction
        vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
        return vectors.tolist()

    def embed_query(self, text: str) -> list[float]:
        return self.embed_documents([text])[0]

    embed_sentences = embed_documents  # what answering embeds: the same cheap vectors


# --- bigger corpora

def copy_lines(corpus: Path, copy: int) -> Iterator[str]:
    """The corpus's lines as copy number ``copy`` (0: unchanged)."""
    with corpus.open(encoding="utf-8") as lines:
        for number, line in enumerate(lines):
            if not line.strip():
                continue
            if copy == 0:
                yield line.rstrip("\n")
                continue
            record = json.loads(line)
            record["url"] = f"{record.get('url') or f'urn:line:{number}'}#copy-{copy}"
            if record.get("id"):
                record["id"] = f"{record['id']}-copy-{copy}"
            if record.get("published_at"):
                day = date.fromisoformat(str(record["published_at"])[:10]) + timedelta(days=copy * SHIFT_DAYS)
                record["published_at"] = day.isoformat()
            yield json.dumps(record, ensure_ascii=False)


# --- memory

def status_mb(kind: str) -> float:
    """One line of /proc/self/status in MB: VmRSS is the resident memory; of it, RssAnon is the heap (what leaks),
    RssFile pages of mapped files (the model, the index: bounded by their size, and given back when memory is
    short)."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(f"{kind}:"):
            return int(line.split()[1]) / 1024
    return 0.0


def rss_mb() -> float:
    """This process's resident memory now, in MB."""
    return status_mb("VmRSS")


def peak_rss_mb() -> int:
    """This process's peak resident memory so far, in whole MB."""
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)


# --- one step a process

def step_result(result: dict[str, Any]) -> None:
    """In the child: print a step's figures, with the process's peak RSS, as the ``RESULT`` line ``run_step`` reads."""
    result["peak_rss_mb"] = peak_rss_mb()
    print("RESULT " + json.dumps(result), flush=True)


def run_step(module: str, corpus: str, step: str, kwargs: dict[str, Any], failed: str) -> dict[str, Any]:
    """Run ``python -m module --corpus corpus --step step --args JSON`` in a fresh process and return the figures of
    its ``RESULT`` line; when it fails, exit with ``failed`` and the end of its stderr."""
    out = subprocess.run([sys.executable, "-m", module, "--corpus", corpus, "--step", step,
                          "--args", json.dumps(kwargs)], capture_output=True, text=True)
    found = [line for line in out.stdout.splitlines() if line.startswith("RESULT ")]
    if out.returncode or not found:
        sys.exit(f"{failed}:\n{out.stderr[-3000:]}")
    result: dict[str, Any] = json.loads(found[-1][len("RESULT "):])
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--dataset", required=True, help="a dataset folder (corpus.jsonl, questions.jsonl)")
    parser.add_argument("--copies", type=int, default=2, help="how many times over (1: the original alone)")
    parser.add_argument("--out", required=True, help="the new dataset folder")
    args = parser.parse_args()
    source, out = Path(args.dataset), Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    with (out / "corpus.jsonl").open("w", encoding="utf-8") as corpus:
        for copy in range(args.copies):
            for line in copy_lines(source / "corpus.jsonl", copy):
                corpus.write(line + "\n")
    shutil.copy(source / "questions.jsonl", out / "questions.jsonl")
    if (source / "baselines").is_dir():
        shutil.copytree(source / "baselines", out / "baselines", dirs_exist_ok=True)
    print(f"{out}: {args.copies} copies of {source / 'corpus.jsonl'}")


if __name__ == "__main__":
    main()
