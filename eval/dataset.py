"""A gold Q&A dataset: a folder with ``questions.jsonl``, a corpus (``corpus.jsonl``) and optional
``baselines/*.jsonl``.

Two kinds of question line, which may be mixed in one file:

- quiz: ``{"id", "question", "answer" (null: the corpus cannot answer; a refusal is right), "as_of", "gold_urls",
  "choices"}``; only id, question and answer are required.
- open (a line with ``"key_facts"``): ``{"id", "question", "kind" (summary, why, how, reaction, timeline, list,
  compare, latest…), "as_of", "answerable" (bool), "key_facts" ([[alias, alias…], …]: the facts a good answer states,
  each with its accepted wordings; [] when unanswerable), "support_urls" (articles that state them; scored as gold
  URLs), "note"}``.

The corpus is, in this order: the ``corpus`` given (``newsrag eval --corpus PATH``), ``corpus.jsonl`` in the folder,
or, for a folder of questions only, the ``corpus.jsonl`` of a sibling folder (a subfolder of the folder's parent)
when exactly one sibling has one. Baseline lines: ``{"id", "prediction"}``.
"""

from __future__ import annotations

import json
import random
import sys
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from rag import InputError, parse_date


@dataclass(frozen=True)
class Question:
    id: str
    question: str
    answer: str | None  # a quiz question's gold answer; None for an unanswerable or an open question
    as_of: date | None = None
    gold_urls: tuple[str, ...] = ()  # for an open question, its support_urls
    choices: tuple[str, ...] = ()
    kind: str = ""  # an open question's kind: summary, why, how, reaction, timeline, list, compare, latest…
    key_facts: tuple[tuple[str, ...], ...] = ()  # an open question's facts, each a tuple of accepted wordings
    answerable: bool | None = None  # None: worked out as ``answer is not None`` (a quiz question)
    support_urls: tuple[str, ...] = ()
    is_open: bool = False  # read from an open-format line (one with "key_facts")

    def __post_init__(self) -> None:
        if self.answerable is None:
            object.__setattr__(self, "answerable", self.answer is not None)


@dataclass(frozen=True)
class Dataset:
    name: str
    path: Path
    corpus: Path
    questions: tuple[Question, ...]
    baselines: dict[str, dict[str, str]] = field(default_factory=dict)

    @property
    def has_quiz_answers(self) -> bool:
        return any(not q.is_open and q.answer is not None for q in self.questions)


def load_dataset(folder: str | Path, limit: int | None = None, sample: int | None = None, seed: int = 0,
                 corpus: str | Path | None = None) -> Dataset:
    """Read and check a dataset folder; a malformed line is an error naming the file and line. ``limit`` keeps the
    first N questions; ``sample`` a random N (fixed by ``seed``, in file order), for quick runs that still span the set.
    ``corpus`` overrides where the articles are read from (see the module docstring for the default)."""
    path = Path(folder)
    questions_file = path / "questions.jsonl"
    corpus_file = find_corpus(path, corpus)
    if not questions_file.is_file():
        raise InputError(f"{path} is not a dataset: questions.jsonl is missing")
    questions = []
    for number, record in _records(questions_file):
        try:
            questions.append(_open_question(record) if "key_facts" in record else Question(
                id=str(record["id"]), question=str(record["question"]),
                answer=None if record.get("answer") is None else str(record["answer"]),
                as_of=parse_date(record.get("as_of")), gold_urls=tuple(record.get("gold_urls") or ()),
                choices=tuple(record.get("choices") or ()),
            ))
        except (KeyError, TypeError) as exc:
            needs = "'id', 'question' and 'key_facts'" if "key_facts" in record else "'id', 'question' and 'answer'"
            raise InputError(f"{questions_file}:{number}: a question needs {needs} ({exc})") from None
        except ValueError as exc:
            raise InputError(f"{questions_file}:{number}: {exc}") from None
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
    return Dataset(name=path.resolve().name, path=path, corpus=corpus_file, questions=tuple(questions),
                   baselines=baselines)


def find_corpus(path: Path, corpus: str | Path | None = None) -> Path:
    """The dataset's corpus: ``corpus`` when given, else ``corpus.jsonl`` in the folder, else (for a folder that has
    questions.jsonl) the one sibling folder's ``corpus.jsonl``, announced on stderr. Anything else is an error."""
    if corpus is not None:
        if not Path(corpus).is_file():
            raise InputError(f"the corpus {corpus} is not a file")
        return Path(corpus)
    own = path / "corpus.jsonl"
    if own.is_file() or not (path / "questions.jsonl").is_file():
        if not own.is_file():
            raise InputError(f"{path} is not a dataset: corpus.jsonl is missing")
        return own
    here = path.resolve()
    try:
        siblings = sorted(folder / "corpus.jsonl" for folder in here.parent.iterdir()
                          if folder.is_dir() and folder != here and not folder.name.startswith(".")
                          and (folder / "corpus.jsonl").is_file())
    except OSError:
        siblings = []
    if len(siblings) != 1:
        found = f"{len(siblings)} sibling folders have one ({', '.join(str(s) for s in siblings)})" if siblings \
            else "no sibling folder has one"
        raise InputError(f"{path} is not a dataset: corpus.jsonl is missing and {found}; name the corpus with "
                         "--corpus PATH")
    print(f"{path}: no corpus.jsonl here; using the sibling folder's {siblings[0]}", file=sys.stderr)
    return siblings[0]


def _open_question(record: dict[str, Any]) -> Question:
    """An open-format line; ValueError (with the reason) when a field has the wrong shape."""
    facts = record["key_facts"]
    if not isinstance(facts, list) or not all(
            isinstance(aliases, list) and aliases and all(isinstance(a, str) and a.strip() for a in aliases)
            for aliases in facts):
        raise ValueError(f"'key_facts' must be a list of facts, each a non-empty list of alias strings "
                         f"([[\"alias\", \"alias\"], …]), got {json.dumps(facts, ensure_ascii=False)[:120]}")
    answerable = record.get("answerable", bool(facts))
    if not isinstance(answerable, bool):
        raise ValueError(f"'answerable' must be true or false, got {json.dumps(answerable)}")
    if answerable and not facts:
        raise ValueError("an answerable open question needs at least one key fact")
    if record.get("answer") is not None:
        raise ValueError("a question has 'key_facts' (open) or 'answer' (quiz), not both")
    support = record.get("support_urls") or []
    if not isinstance(support, list) or not all(isinstance(u, str) for u in support):
        raise ValueError("'support_urls' must be a list of URLs")
    kind = record.get("kind") or ""
    if not isinstance(kind, str):
        raise ValueError(f"'kind' must be a string, got {json.dumps(kind)}")
    return Question(
        id=str(record["id"]), question=str(record["question"]), answer=None, as_of=parse_date(record.get("as_of")),
        gold_urls=tuple(dict.fromkeys([*support, *(record.get("gold_urls") or ())])), kind=kind.strip().lower(),
        key_facts=tuple(tuple(a.strip() for a in aliases) for aliases in facts), answerable=answerable,
        support_urls=tuple(support), is_open=True,
    )


def _records(file: Path) -> Iterator[tuple[int, dict[str, Any]]]:
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

