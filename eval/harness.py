"""Run a dataset through the assistant and score it: ``run_eval(dataset_dir, out_dir) -> Report``.

The corpus index is cached by the corpus's content hash (and the settings that shape an index), so a second run
embeds nothing. Retrieval is scored on the retriever's top-10 ranking (no relevance floor); answers on what the
assistant actually says: quiz questions by their short answer (EM, F1), open questions by the key facts their text
states (see eval/scoring.py), each kind in its own report section. Each question's result is an
eval/results.py ``QuestionResult``; what is reported is the metric table in eval/metrics.py; eval/report.py writes it
out (eval/plots.py draws its plots).
"""

from __future__ import annotations

import hashlib
import json
import sys
import tempfile
import time
from dataclasses import replace
from pathlib import Path

from eval.dataset import Dataset, Question, load_dataset
from eval.losses import CorpusText, loss_table
from eval.metrics import Report, summarize
from eval.report import write_report
from eval.results import DATE_USES, QuestionResult
from eval.scoring import answer_rank, gold_rank
from eval.stories import StoryReport, is_story_set, run_story_eval, story_recall
from rag import Answer, Article, Filters, KeyPoints, NewsAssistant, Passage, Settings, load_articles, resolve_precision

RETRIEVAL_DEPTH = 10
INDEX_FORMAT = 3  # bump when a code change alters what an index holds, so cached indexes are rebuilt
# How a question's date is used (DATE_USES): "soft" ranks articles near it higher (Filters.around), "hard" also
# ignores later articles (Filters.as_of). Answers use one; retrieval is scored under both.


def run_eval(dataset_dir: str | Path, out_dir: str | Path | None = None, limit: int | None = None,
             sample: int | None = None, mode: str | None = None, cache_dir: str | Path = "eval/.cache",
             progress: bool | None = None, settings: Settings | None = None, dates: str = "soft",
             corpus: str | Path | None = None) -> Report | StoryReport:
    """Evaluate, write report.json / report.md / questions.csv / plots into ``out_dir``, return the report.
    ``dates`` says how answers use each question's date (``DATE_USES``); ``corpus`` overrides the dataset's
    corpus (see ``eval.dataset.find_corpus``). A story set (``corpus.jsonl`` with ``story`` labels, no questions)
    is ingested into a fresh index in file order and its stories scored (``eval.stories``)."""
    from tqdm import tqdm

    if dates not in DATE_USES:
        raise ValueError(f"dates must be one of {DATE_USES}, got {dates!r}")
    settings = settings or Settings.load()
    settings = replace(settings, mode=mode or settings.mode)
    show = sys.stderr.isatty() if progress is None else progress
    out = Path(out_dir or Path("eval/reports") / Path(dataset_dir).resolve().name)
    if is_story_set(dataset_dir) and corpus is None:
        Path(cache_dir).mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryDirectory(dir=cache_dir, prefix="stories-") as index_dir:
            fresh = NewsAssistant(settings=replace(settings, index_dir=Path(index_dir), stories=True))
            return run_story_eval(dataset_dir, out, fresh, show)
    dataset = load_dataset(dataset_dir, limit=limit, sample=sample, corpus=corpus)
    assistant, ingest_speed = cached_index(dataset, settings, Path(cache_dir), show)

    load_s = _load_chat_model(assistant)
    results: list[QuestionResult] = []
    bar = tqdm(dataset.questions, desc=f"eval {dataset.name}", unit="q", disable=not show, dynamic_ncols=True)
    for question in bar:
        results.append(_ask(assistant, question, dates))
        scored = [r.f1 for r in results if r.f1 is not None]
        recalls = [r.key_fact_recall for r in results if r.key_fact_recall is not None]
        if scored or recalls:
            bar.set_postfix(**({"f1": f"{sum(scored) / len(scored):.3f}"} if scored else {}),
                            **({"facts": f"{sum(recalls) / len(recalls):.3f}"} if recalls else {}))
    bar.close()

    briefing = story_recall(assistant, dataset.questions) if settings.stories else None
    losses = loss_table(results, corpus_text(dataset)) if dataset.has_quiz_answers else None
    report = replace(summarize(dataset, settings.mode, results, ingest_speed, load_s, dates), briefing=briefing,
                     losses=losses)
    write_report(report, results, out)
    return report


def cached_index(dataset: Dataset, settings: Settings, cache_dir: Path,
                  progress: bool) -> tuple[NewsAssistant, float | None]:
    digest = hashlib.sha256()
    with dataset.corpus.open("rb") as corpus:
        for block in iter(lambda: corpus.read(1 << 20), b""):
            digest.update(block)
    precision = resolve_precision(settings.embedding_model, settings.embed_precision)
    digest.update(f"{INDEX_FORMAT}|{settings.embedding_model}|{precision}|{settings.chunk_tokens}|"
                  f"{settings.chunk_overlap}".encode())
    # named after the corpus's folder, so datasets that share a corpus (a folder of questions only) share its index
    name = dataset.corpus.resolve().parent.name if dataset.corpus.name == "corpus.jsonl" else dataset.corpus.stem
    index_dir = cache_dir / f"{name}-{digest.hexdigest()[:16]}"
    marker = index_dir / "ingest.json"
    assistant = NewsAssistant(settings=replace(settings, index_dir=index_dir))
    if marker.is_file():
        if settings.stories and not assistant.stories(limit=1):  # built before stories: placed from its vectors
            assistant.rebuild_stories(progress=progress)
        return assistant, json.loads(marker.read_text())["chunks_per_second"]
    assistant.embeddings.embed_documents(["warm-up"])  # load the model first: chunks/s measures ingest, not loading
    report = assistant.ingest([dataset.corpus], progress=progress)  # resumes where an interrupted build stopped
    speed = round(report.chunks_per_second, 1) if report.chunks_added else None
    marker.write_text(json.dumps({"chunks_per_second": speed, "chunks": report.chunks_added,
                                  "seconds": round(report.seconds, 1), "problems": [str(p) for p in report.problems]}))
    return assistant, speed


def corpus_text(dataset: Dataset) -> CorpusText:
    """The dataset's articles (title and text), to tell a gold answer missing from the corpus from one not
    retrieved (the loss table, eval/losses.py)."""
    return CorpusText(f"{a.title}\n{a.text}" for a in load_articles([dataset.corpus]) if isinstance(a, Article))


def _load_chat_model(assistant: NewsAssistant) -> float | None:
    """Load the chat model before the first question (its load time is reported apart from answer latency). Only
    the local model loads in this process: its ``load()`` returns the loaded model with its ``load_seconds``. A
    server's model (mode openai) has no ``load``, and extractive mode no chat model: None."""
    load = getattr(assistant.chat_model, "load", None)
    seconds = getattr(load(), "load_seconds", None) if callable(load) else None
    return None if seconds is None else round(seconds, 2)


def _ask(assistant: NewsAssistant, question: Question, dates: str) -> QuestionResult:
    uses = {"soft": Filters(around=question.as_of), "hard": Filters(as_of=question.as_of)}
    filters = uses.pop(dates)
    started = time.perf_counter()
    ranked = assistant.search(question.question, RETRIEVAL_DEPTH, filters)
    retrieval_ms = (time.perf_counter() - started) * 1000
    [other] = uses.values()
    other_ranked = assistant.search(question.question, RETRIEVAL_DEPTH, other)

    started, first_token_ms, answer = time.perf_counter(), None, None
    for event in assistant.stream(question.question, filters=filters):
        if isinstance(event, str | KeyPoints) and first_token_ms is None:  # the first text a reader sees
            first_token_ms = (time.perf_counter() - started) * 1000
        elif isinstance(event, Answer):
            answer = event
    assert answer is not None
    gold, found = ranks(question, ranked)
    return QuestionResult(
        question=question, answer=answer, gold_rank=gold, answer_rank=found,
        retrieval_ms=retrieval_ms, answer_ms=(time.perf_counter() - started) * 1000, first_token_ms=first_token_ms,
        top_score=round(max(p.score for p in ranked), 4) if ranked else None,
        other_ranks=ranks(question, other_ranked),
    )


def ranks(question: Question, ranked: list[Passage]) -> tuple[int | None, int | None]:
    """(gold article rank, answer string rank) in a ranking, None where missing or not measurable."""
    return (gold_rank([p.url for p in ranked], question.gold_urls) if question.gold_urls else None,
            answer_rank([p.text for p in ranked], question.answer) if question.answer else None)
