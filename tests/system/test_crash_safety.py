"""Crash safety and the write lock: real ingest processes killed with SIGKILL at chosen and at random moments, a
real Chroma index, and a re-run that must leave every article exactly once with all its chunks."""

from __future__ import annotations

import json
import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from conftest import ROOT

from rag import NewsAssistant
from rag.errors import StoreError
from rag.indexing.chunking import Chunker
from rag.sources.loaders import load

pytestmark = pytest.mark.slow  # each kills and reruns a real newsrag process: deselect with -m 'not slow' for a quick run

SETTINGS = {"chunk_tokens": 40, "chunk_overlap": 5}  # small chunks: most articles have several
ARTICLES = 150  # more than one write batch (rag.indexing.ingest.BATCH_CHUNKS)

# Runs an ingest in a real process that kills itself (SIGKILL: no cleanup, no finally) when the write it is told
# to die at begins; "mid-upsert" dies a few milliseconds into Chroma's own upsert call instead, "keywords" when
# the keyword index is about to add a batch that Chroma already holds.
KILLER = """
import os, signal, sys, threading
from rag import NewsAssistant
from rag.stores.keywords import KeywordIndex
from rag.stores.chroma import NewsIndex

index_dir, corpus, method, nth = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
calls = 0

def die():
    os.kill(os.getpid(), signal.SIGKILL)

def wrap(owner, name):
    original = getattr(owner, name)
    def dying(self, *args, **kwargs):
        global calls
        calls += 1
        if calls == nth:
            if method == "mid-upsert":
                threading.Timer(0.005, die).start()
            else:
                die()
        return original(self, *args, **kwargs)
    setattr(owner, name, dying)

if method == "keywords":  # after Chroma's write of a batch, before the keyword index's
    wrap(KeywordIndex, "add")
else:
    wrap(NewsIndex, "_upsert" if method == "mid-upsert" else method)
NewsAssistant(index_dir=index_dir, chunk_tokens=40, chunk_overlap=5).ingest([corpus], progress=False)
print("finished without being killed")
"""


def corpus(path: Path, version: int) -> Path:
    """``ARTICLES`` articles; in version 2 every third one is longer and every fifth shorter than in version 1."""
    records = []
    for i in range(ARTICLES):
        length = 1 + i % 4
        if version == 2:
            length += 2 if i % 3 == 0 else -1 if i % 5 == 0 and length > 1 else 0
        sentences = [f"Report {i} part {p}: the council of district {i} met about {w} on day {p}."
                     for p in range(length * 3) for w in ["water"]]
        records.append({"title": f"District {i} council", "url": f"https://news.example/{i}",
                        "source": "Example News", "published_at": "2024-05-01", "text": " ".join(sentences)})
    path.write_text("\n".join(json.dumps(r) for r in records) + "\n", encoding="utf-8")
    return path


def run_killed(index_dir: Path, corpus_path: Path, method: str, nth: int) -> None:
    result = subprocess.run([sys.executable, "-c", KILLER, str(index_dir), str(corpus_path), method, str(nth)],
                            capture_output=True, text=True, cwd=ROOT, env={**os.environ, "HF_HUB_OFFLINE": "1"})
    assert result.returncode == -signal.SIGKILL, result.stdout + result.stderr


def assert_complete(assistant: NewsAssistant, corpus_path: Path) -> None:
    """Every article of the corpus exactly once, with exactly its current chunks, and nothing else."""
    chunker = Chunker(SETTINGS["chunk_tokens"], SETTINGS["chunk_overlap"], assistant.settings.embedding_model)
    expected = {c.id: (c.text, c.article.content_hash) for a in load([corpus_path]) for c in chunker.split(a)}
    got = assistant.index._collection.get(include=["documents", "metadatas"])
    stored = {i: (text, meta["content_hash"]) for i, text, meta in zip(got["ids"], got["documents"], got["metadatas"])}
    assert len(got["ids"]) == len(stored)
    assert stored == expected
    heads = [m for m in got["metadatas"] if m["ordinal"] == 0]
    assert len(heads) == ARTICLES
    for head in heads:
        assert all(f"{head['article_id']}:{n}" in stored for n in range(head["chunk_count"]))
    # the keyword index holds exactly the same chunks, at the same versions, with the same words
    assert assistant.index.keywords.hashes() == {i: content_hash for i, (_, content_hash) in stored.items()}
    bodies = dict(assistant.index.keywords._db.execute(
        "SELECT c.chunk_id, t.body FROM chunk c JOIN chunk_text t ON t.rowid = c.row"))
    titles = {m["article_id"]: m["title"] for m in heads}
    assert bodies == {i: f"{titles[i.split(':')[0]]}\n{text}" for i, (text, _) in stored.items()}
    for chunk_id in list(expected)[::97]:  # the vector index answers too: each chunk's own text finds it first
        [hit] = assistant.index.search(expected[chunk_id][0], k=1)
        assert hit.chunk_id == chunk_id


@pytest.mark.parametrize("method, nth", [
    ("_upsert", 2),      # the first batch's other chunks written, its chunk 0s not
    ("_upsert", 3),      # the first batch complete, the second not begun
    ("mid-upsert", 1),   # inside Chroma's first upsert
    ("keywords", 2),     # the first batch's other chunks in Chroma and the keyword index, its chunk 0s in Chroma only
])
def test_an_ingest_killed_half_way_is_completed_by_the_next_run(tmp_path, method, nth):
    index_dir, path = tmp_path / "index", corpus(tmp_path / "news.jsonl", version=1)
    run_killed(index_dir, path, method, nth)
    assistant = NewsAssistant(index_dir=index_dir, **SETTINGS)
    report = assistant.ingest([path], progress=False)
    assert report.articles_seen == ARTICLES and not report.problems
    assert_complete(assistant, path)


@pytest.mark.parametrize("method, nth", [("_delete", 1), ("_upsert", 2), ("mid-upsert", 3), ("keywords", 1)])
def test_an_update_killed_half_way_leaves_no_mixed_articles(tmp_path, method, nth):
    index_dir, path = tmp_path / "index", corpus(tmp_path / "news.jsonl", version=1)
    assistant = NewsAssistant(index_dir=index_dir, **SETTINGS)
    assistant.ingest([path], progress=False)
    corpus(path, version=2)
    run_killed(index_dir, path, method, nth)
    report = NewsAssistant(index_dir=index_dir, **SETTINGS).ingest([path], progress=False)
    assert report.chunks_repaired > 0  # the killed run left chunks of two versions; they were cleared first
    assert_complete(NewsAssistant(index_dir=index_dir, **SETTINGS), path)


def test_the_command_killed_at_a_random_moment_then_rerun(tmp_path):
    index_dir, path = tmp_path / "index", corpus(tmp_path / "news.jsonl", version=1)
    command = [sys.executable, "-m", "cli", "ingest", "--index", str(index_dir), "--quiet", str(path)]
    env = {**os.environ, "HF_HUB_OFFLINE": "1", "NEWSRAG_CHUNK_TOKENS": "40", "NEWSRAG_CHUNK_OVERLAP": "5"}
    process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    lock = index_dir / "write.lock"
    deadline = time.monotonic() + 120
    while not (lock.is_file() and lock.read_text().startswith("writing")) and process.poll() is None:
        assert time.monotonic() < deadline, "the ingest never started writing"
        time.sleep(0.05)
    time.sleep(random.uniform(0.0, 2.0))
    process.send_signal(signal.SIGKILL)
    process.wait()
    rerun = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True)
    assert rerun.returncode == 0, rerun.stderr
    assert_complete(NewsAssistant(index_dir=index_dir, **SETTINGS), path)


def test_a_second_writer_is_refused_with_a_clear_message(tmp_path, seeded):
    from conftest import SEEDS

    assistant = NewsAssistant(index_dir=tmp_path / "index")
    assistant.ingest([SEEDS], progress=False)
    with assistant.index.writing():
        with pytest.raises(StoreError, match=f"being written by process {os.getpid()}"):
            assistant.ingest([SEEDS], progress=False)
        result = subprocess.run([sys.executable, "-m", "cli", "ingest", "--index", str(tmp_path / "index"), str(SEEDS)],
                                cwd=ROOT, capture_output=True, text=True, env={**os.environ, "HF_HUB_OFFLINE": "1"})
        assert result.returncode == 1
        assert result.stderr.strip().splitlines() == [
            f"newsrag: error: the index at {tmp_path / 'index'} is being written by process {os.getpid()} (another "
            "newsrag ingest, remove or upload); wait for it to finish and try again"]
    assert assistant.ingest([SEEDS], progress=False).articles_unchanged == 1  # free again once the writer is done


def test_writers_in_two_threads_of_one_process_take_turns(tmp_path):
    """An upload and a background feed refresh in the app: the second waits for the first instead of failing."""
    import threading

    from conftest import SEEDS

    assistant = NewsAssistant(index_dir=tmp_path / "index")
    other = tmp_path / "other.md"
    other.write_text("Ferry resumes\n\nThe night ferry to Osterholm runs again from Monday, twice each evening.\n")
    reports, errors = [], []

    def write(path) -> None:
        try:
            reports.append(assistant.ingest([path], progress=False))
        except StoreError as error:
            errors.append(error)

    with assistant.index.writing():  # the first writer is at work while both others start
        threads = [threading.Thread(target=write, args=(p,)) for p in (SEEDS, other)]
        for thread in threads:
            thread.start()
        threads[0].join(timeout=0.5)
        assert threads[0].is_alive()  # waiting its turn, not refused
    for thread in threads:
        thread.join(timeout=120)
    assert errors == [] and sorted(r.articles_added for r in reports) == [1, 1]
    assert assistant.stats().articles == 2


WRITER = """
import sys
from rag import NewsAssistant
NewsAssistant(index_dir=sys.argv[1], chunk_tokens=40, chunk_overlap=5).ingest([sys.argv[2]], progress=False)
"""


TOPICS = ["water prices", "school meals", "bus lanes", "museum funding", "hospital beds", "park lighting",
          "tram fares", "housing permits", "river cleanup", "library hours", "street markets", "snow clearing"]


def test_a_long_running_process_sees_and_keeps_another_process_s_writes(tmp_path):
    """A UI or API process keeps the index open while ``newsrag ingest`` runs elsewhere: it must find the new
    articles by meaning and by keyword, and its own later writes must not save over them. (Articles on distinct
    topics: among ``corpus``'s near-identical ones, approximate HNSW search can miss the one unlike them.)"""
    index_dir, first = tmp_path / "index", tmp_path / "first.jsonl"
    first.write_text("".join(json.dumps({"title": f"Council on {topic}", "url": f"https://news.example/{n}", "text":
                                         f"The council debated {topic} on Monday. Residents said {topic} had been "
                                         f"neglected for years, and a vote on {topic} is due next month."}) + "\n"
                             for n, topic in enumerate(TOPICS)))
    ferry_url = "https://news.example/ferry"
    resident = NewsAssistant(index_dir=index_dir, **SETTINGS)
    resident.ingest([first], progress=False)
    assert resident.index.search("museum funding", k=1)  # its vector index is now loaded in memory

    other = tmp_path / "other.jsonl"
    other.write_text(json.dumps({"title": "Harbour ferry strike", "url": ferry_url, "text":
                                 "Ferry crews at the harbour walked out on Friday over pay and rosters."}) + "\n")
    result = subprocess.run([sys.executable, "-c", WRITER, str(index_dir), str(other)], cwd=ROOT,
                            capture_output=True, text=True, env={**os.environ, "HF_HUB_OFFLINE": "1"})
    assert result.returncode == 0, result.stderr
    assert resident.index.search("ferry crews walk out over pay", k=1)[0].url == ferry_url
    assert resident.index.keyword_search("ferry harbour", k=1)[0].url == ferry_url

    third = tmp_path / "third.jsonl"
    third.write_text(json.dumps({"title": "Library reopens", "url": "https://news.example/library", "text":
                                 "The central library reopened after a two-year renovation."}) + "\n")
    resident.ingest([third], progress=False)
    check = subprocess.run([sys.executable, "-c", """
import sys
from rag import NewsAssistant
index = NewsAssistant(index_dir=sys.argv[1]).index
got = index._collection.get(include=["embeddings"])
print(len(got["ids"]), index.search("ferry crews walk out over pay", k=1)[0].url)
""", str(index_dir)], cwd=ROOT, capture_output=True, text=True, env={**os.environ, "HF_HUB_OFFLINE": "1"})
    assert check.returncode == 0, check.stderr
    count, url = check.stdout.split()
    assert int(count) == resident.index.count() and url == ferry_url
