"""``Article`` -> ``Chunk``s: sentence-aware slices of about ``chunk_tokens`` word pieces, overlapping a little.

Sizes are counted with the embedding model's own tokenizer, because the model silently cuts anything past its
limit (256 word pieces for MiniLM). Every chunk is an exact slice of the article text, so a citation can point
at the very characters it quotes.

>>> from rag.indexing.chunking import Chunker
>>> from rag.config import Settings
>>> chunks = Chunker.from_settings(Settings()).split(article)
>>> assert all(article.text[c.start:c.end] == c.text for c in chunks)
"""

from __future__ import annotations

from functools import lru_cache

from langchain_text_splitters import RecursiveCharacterTextSplitter

from rag.config import Settings
from rag.models.embeddings import load_tokenizer
from rag.types import Article, Chunk

# Coarse to fine: paragraphs, lines, sentence ends, clauses, words, characters.
_SEPARATORS = [r"\n\n", r"\n", r"(?<=[.!?…])\s+|(?<=[.!?…][\"'”’)])\s+", r"(?<=[;:])\s+", r"(?<=,)\s+", r"\s+", ""]


class Chunker:
    """Splits articles into chunks; build once, reuse for every article."""

    def __init__(self, chunk_tokens: int, chunk_overlap: int, model: str) -> None:
        if chunk_overlap >= chunk_tokens:
            raise ValueError(f"chunk_overlap ({chunk_overlap}) must be smaller than chunk_tokens ({chunk_tokens})")
        tokenizer = load_tokenizer(model)

        @lru_cache(maxsize=4096)  # the splitter measures each piece twice: when splitting and when merging
        def token_count(text: str) -> int:
            return len(tokenizer.encode(text, add_special_tokens=False).ids)

        self._splitter = RecursiveCharacterTextSplitter(
            chunk_size=chunk_tokens,
            chunk_overlap=chunk_overlap,
            length_function=token_count,
            separators=_SEPARATORS,
            is_separator_regex=True,
            keep_separator="end",
            strip_whitespace=True,
        )

    @classmethod
    def from_settings(cls, settings: Settings) -> Chunker:
        return cls(settings.chunk_tokens, settings.chunk_overlap, settings.embedding_model)

    def split(self, article: Article) -> list[Chunk]:
        """The article's chunks in order, each with its character offsets in ``article.text``."""
        pieces = [p for p in self._splitter.split_text(article.text) if p.strip()]
        starts = _placed(article.text, pieces, latest=True) or _placed(article.text, pieces, latest=False)
        if starts is None:  # cannot happen while separators are kept; fail loudly rather than cite wrong text
            raise RuntimeError(f"chunk not found in article text: {article.title[:60]!r}")
        return [Chunk(article=article, ordinal=n, text=piece, start=start, end=start + len(piece))
                for n, (piece, start) in enumerate(zip(pieces, starts))]


def _placed(text: str, pieces: list[str], latest: bool) -> list[int] | None:
    """Where each piece starts in ``text`` (see ``_locate``), or None when one cannot be placed. Text that repeats
    itself for longer than a chunk ("q=1&q=1&…", a run of one letter) can make the latest places run out of text
    before the last piece; the earliest places never overtake the true ones, so they always succeed."""
    starts: list[int] = []
    start, end = -1, 0  # as if a chunk ended where the text begins
    for piece in pieces:
        start = _locate(text, piece, start, end, latest)
        if start < 0:
            return None
        end = start + len(piece)
        starts.append(start)
    return starts


def _locate(text: str, piece: str, previous_start: int, previous_end: int, latest: bool = True) -> int:
    """Where the splitter took ``piece`` from, given where it took the previous chunk. The splitter drops only
    whitespace, so the piece starts after the previous chunk's start, no later than the next visible character
    after its end, and ends past its end. The text can repeat (``0:`` inside the previous chunk, then right after
    it): the ``latest`` such place is the one that leaves no text between chunks (else the earliest). Without one,
    the first copy after the previous start; -1 if the piece is not in the text."""
    limit = previous_end
    while limit < len(text) and text[limit].isspace():
        limit += 1
    found = -1
    at = text.find(piece, previous_start + 1)
    while 0 <= at <= limit:
        if at + len(piece) > previous_end:
            found = at
            if not latest:
                break
        at = text.find(piece, at + 1)
    return found if found >= 0 else text.find(piece, previous_start + 1)
