"""Bigger corpora from a real one, for scale tests: copies of every article under a changed URL and a shifted date.

    python -m eval.copies --dataset ../shared/benchmarks/rtqa-2022-dev --copies 2 --out /tmp/rtqa-x2

writes a dataset folder (its questions and baselines as they are, the corpus ``--copies`` times over) that
``newsrag eval --dataset`` reads. Copy 0 is the original; copy k moves each article ``k * SHIFT_DAYS`` later and
gives it its own URL, so it is a new article to the index (same words, different id and date).
"""

from __future__ import annotations

import argparse
import json
import shutil
from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path

SHIFT_DAYS = 365


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
