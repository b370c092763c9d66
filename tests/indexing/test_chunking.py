from __future__ import annotations

import json
from pathlib import Path

import pytest
from conftest import SEEDS

from rag.answering.sentences import sentences
from rag.config import Settings
from rag.indexing.chunking import Chunker
from rag.models.embeddings import load_tokenizer
from rag.sources.loaders import load
from rag.types import Article

MODEL = Settings().embedding_model

SENTENCE = "The council voted on the new transit budget after a long debate about bus routes and fares."


def tokens(text: str) -> int:
    return len(load_tokenizer(MODEL).encode(text, add_special_tokens=False).ids)


def long_article() -> Article:
    paragraphs = [" ".join(f"{SENTENCE[:-1]} number {p * 10 + s}." for s in range(7)) for p in range(12)]
    return Article(title="Budget", text="\n\n".join(paragraphs), url="https://ex.com/budget")


def test_chunks_are_exact_slices_within_the_token_budget_and_overlap():
    article = long_article()
    chunks = Chunker(120, 30, MODEL).split(article)
    assert len(chunks) > 5
    assert [c.ordinal for c in chunks] == list(range(len(chunks)))
    for chunk in chunks:
        assert article.text[chunk.start:chunk.end] == chunk.text
        assert tokens(chunk.text) <= 120
        assert chunk.id == f"{article.id}:{chunk.ordinal}"
    overlapping = sum(1 for a, b in zip(chunks, chunks[1:]) if b.start < a.end)
    assert overlapping >= len(chunks) // 2


def test_chunks_break_at_sentence_ends():
    chunks = Chunker(120, 30, MODEL).split(long_article())
    assert all(c.text.endswith(".") for c in chunks)
    assert all(c.text[0].isupper() for c in chunks)


def test_a_sentence_longer_than_the_budget_is_still_cut_to_fit():
    words = " ".join(f"word{i}" for i in range(600))
    article = Article(title="t", text=words)
    chunks = Chunker(64, 8, MODEL).split(article)
    assert all(tokens(c.text) <= 64 and article.text[c.start:c.end] == c.text for c in chunks)
    assert chunks[-1].end == len(article.text)


def test_seed_article_chunks_cover_the_whole_text():
    [article] = list(load([SEEDS]))
    chunks = Chunker.from_settings(Settings()).split(article)
    assert chunks[0].start == 0 and chunks[-1].end == len(article.text)
    assert all(b.start <= a.end for a, b in zip(chunks, chunks[1:]))  # no gaps


def test_benchmark_articles_map_back_exactly():
    corpus = Path(__file__).resolve().parents[3] / "shared/benchmarks/rtqa-2022-dev/corpus.jsonl"
    if not corpus.exists():
        pytest.skip("benchmark corpus not beside the checkout")
    chunker = Chunker.from_settings(Settings())
    with corpus.open(encoding="utf-8") as lines:
        records = [json.loads(next(lines)) for _ in range(40)]
    from rag.sources.records import make_article

    for record in records:
        article = make_article(record, "bench")
        for chunk in chunker.split(article):
            assert article.text[chunk.start:chunk.end] == chunk.text
            assert tokens(chunk.text) <= 200


def test_overlap_must_be_smaller_than_chunk():
    with pytest.raises(ValueError, match="chunk_overlap"):
        Chunker(50, 50, MODEL)


def test_sentence_spans():
    text = "First one. Second “quoted.” Third?\nNo end"
    assert [text[s:e] for s, e in sentences(text)] == ["First one.", "Second “quoted.”", "Third?", "No end"]


# Text the splitter cuts into a chunk whose words also occur just before it: "0:" inside the previous chunk, and
# ":00000\n:0" overlapping the previous chunk as well as right after it. Found by the property test in
# test_hostile_input.py; the offsets used to point at the earlier copy and leave text between chunks.
REPEATING = ['0 .;: 0word0 ;0;\n:00000,  0;,   ..word\n: ; 0000000:abc;;, 0\n, .:.word00.;abc000000000000word. 0abc  .0: :;abc word\n\n0:\n\n000000, 0abc :00000:0;\n.0 ;0\n0;00000, 0\n :0\nword 00000wordabc . ;wordword, :00000 word:\n  , :00000 \nabc00abc: word:00;0 000000word  \n\n:, 0.',
             ':  0word00000\n\n abc:abc0 abcword000000, , , 0::0;\n00000;, .:00000,  0, ;000000:;0abc..;00000.\n\n\n:;::, wordabc  word  ; :, .\n: , ;:, ::abcword,   :word0; word0\n,  \n .abc;abc000000000000 :, . 0;00, 00000.\nword, abcword00000\n.00000..abc000;word  ;word;00000abc;word . abc0;abc:00000word, ;:00000\n:00000\n:0\n\nabcword00:abc :.wordword:00000:abcword  .wordwordabc.abcabcwordabc , : word\n;abc00000  00000 abc.:abc:word 00000 \n0; 0, 00 0, abc word: :word. ,  00000;abc0.00000, 0000000000, .word abc, , 0abc,  0 :word \n0. 00000 0.word.;word, word0;000000000000000, ;000000 ;word  \n0word 0\n, ; 0  : 00000, word00000\nabcword.word0\n, 0 ;.: 00 \n.00000:, ;, 0\nword:0.\n 00word.abc, abc;;0abc , word...0 \n, 0abc00000;00000word;. :, 0.00000 abc']


@pytest.mark.parametrize("text", REPEATING)
def test_chunk_offsets_point_at_the_copy_that_leaves_no_text_between_chunks(text):
    chunks = Chunker(40, 8, MODEL).split(Article(title="T", text=text))
    assert all(text[c.start:c.end] == c.text for c in chunks)
    for before, after in zip(chunks, chunks[1:]):
        assert before.start < after.start and before.end < after.end and not text[before.end:after.start].strip()
    assert chunks[0].start == 0 and not text[chunks[-1].end:].strip()


def test_text_that_repeats_for_longer_than_a_chunk_is_still_split_into_exact_slices():
    """A URL of repeated parameters or a run of one letter (found by the hostile-feed fuzz): every chunk is still an
    exact slice of the text, in order."""
    chunker = Chunker(40, 8, Settings().embedding_model)
    for text in ["http://news.example/?" + "q=1&" * 500, "a" * 4000]:
        chunks = chunker.split(Article(title="t", text=text))
        assert len(chunks) > 1 and all(text[c.start:c.end] == c.text for c in chunks)
        assert all(a.start < b.start for a, b in zip(chunks, chunks[1:]))
