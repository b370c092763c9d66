"""A gold Q&A dataset: a folder with ``corpus.jsonl``, ``questions.jsonl`` and optional ``baselines/*.jsonl``.

Question lines: ``{"id", "question", "answer" (null: the corpus cannot answer; a refusal is right), "as_of",
"gold_urls", "choices"}``; only id, question and answer are required. Baseline lines: ``{"id", "prediction"}``.
"""

from __future__ import annotations

import json
import random
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from rag.errors import InputError
from rag.loaders import parse_date


@dataclass(frozen=True)
class Question:
    id: str
    question: str
    answer: str | None
    as_of: date | None = None
    gold_urls: tuple[str, ...] = ()
    choices: tuple[str, ...] = ()


@dataclass(frozen=True)
class Dataset:
    name: str
    path: Path
    corpus: Path
    questions: tuple[Question, ...]
    baselines: dict[str, dict[str, str]] = field(default_factory=dict)


def load_dataset(folder: str | Path, limit: int | None = None, sample: int | None = None, seed: int = 0) -> Dataset:
    """Read and check a dataset folder; a malformed line is an error naming the file and line. ``limit`` keeps the
    first N questions; ``sample`` a random N (fixed by ``seed``, in file order), for quick runs that still span the set."""
    path = Path(folder)
    corpus, questions_file = path / "corpus.jsonl", path / "questions.jsonl"
    for required in (corpus, questions_file):
        if not required.is_file():
            raise InputError(f"{path} is not a dataset: {required.name} is missing")
    questions = []
    for number, record in _records(questions_file):
        try:
            questions.append(Question(
                id=str(record["id"]), question=str(record["question"]),
                answer=None if record.get("answer") is None else str(record["answer"]),
                as_of=parse_date(record.get("as_of")), gold_urls=tuple(record.get("gold_urls") or ()),
                choices=tuple(record.get("choices") or ()),
            ))
        except (KeyError, TypeError) as exc:
            raise InputError(f"{questions_file}:{number}: a question needs 'id', 'question' and 'answer' ({exc})") from None
    if not questions:
        raise InputError(f"{questions_file} holds no questions")
    if limit is not None:
        questions = questions[:limit]
    if sample is not None and sample < len(questions):
        keep = set(random.Random(seed).sample(range(len(questions)), sample))
        questions = [q for i, q in enumerate(questions) if i in keep]
    baselines = {}
    for file in sorted((path / "baselines").glob("*.jsonl")):
        baselines[file.stem] = {str(r.get("id")): str(r.get("prediction") or "") for _, r in _records(file)}
    return Dataset(name=path.resolve().name, path=path, corpus=corpus, questions=tuple(questions), baselines=baselines)


def _records(file: Path):
    with file.open(encoding="utf-8") as lines:
        for number, line in enumerate(lines, start=1):
            if not line.strip():
                continue
            try:
                record = json.loads(line)
            except json.JSONDecodeError as exc:
                raise InputError(f"{file}:{number}: malformed JSON ({exc.msg})") from None
            if not isinstance(record, dict):
                raise InputError(f"{file}:{number}: expected a JSON object")
            yield number, record
