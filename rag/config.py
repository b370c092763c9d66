"""One ``Settings`` object. Precedence: defaults < config file < environment (``NEWSRAG_*``) < explicit arguments.

The config file is TOML with the same keys as the fields below, read from ``$NEWSRAG_CONFIG`` or, if that is not
set, ``./newsrag.toml`` when it exists::

    index_dir = "data/index"
    top_k = 8
"""

from __future__ import annotations

import json
import os
import re
import tomllib
from dataclasses import dataclass, fields
from pathlib import Path
from typing import Any

from rag.errors import ConfigError
from rag.models.catalog import DEFAULT_LLM

ANSWER_MODES = ("local", "extractive", "openai")  # local: a GGUF chat model in-process; openai: any compatible API
EMBED_PRECISIONS = ("auto", "float32", "bfloat16")  # auto: bfloat16 where the CPU computes it natively
DEFAULT_CONFIG_FILE = "newsrag.toml"


@dataclass(frozen=True)
class Settings:
    """Everything a user can tune. Validated on creation, so a bad value fails early with a clear message."""

    index_dir: Path = Path("index")
    embedding_model: str = "all-MiniLM-L6-v2"
    chunk_tokens: int = 200
    chunk_overlap: int = 40
    top_k: int = 5
    hybrid: bool = True  # fuse keyword (BM25) search with dense search (rag/retrieval/retriever.py)
    min_relevance: float = 0.3
    rerank: bool = False  # reorder the fused candidates with a cross-encoder (rag/retrieval/rerank.py)
    rerank_depth: int = 30  # how many fused candidates the cross-encoder reads
    rerank_tokens: int = 256  # word pieces of question + passage it reads per pair
    recency_half_life: float = 14.0  # days: given a question's day (around / as_of), how fast the preference fades
    recency_weight: float = 1.0  # what a same-day article gains, as a share of first places in every ranking (0: none)
    mode: str = "local"
    embed_batch_size: int = 32
    embed_precision: str = "auto"  # auto: bfloat16 where the CPU computes it natively (AMX, AVX512-BF16), else float32
    llm_model: str = DEFAULT_LLM  # a packaged model (rag.models.catalog) or a .gguf path
    llm_context: int = 4096
    llm_threads: int = 0  # 0: one per physical core (rag.models.hardware.physical_cores)
    max_tokens: int = 32  # the model writes a short phrase and its [n]; the evidence is quoted, not generated
    llm_passages: int = 4  # the best top_k passages a quiz model reads, cut to windows (rag.answering.windows)
    passage_words: int = 80  # words kept of each of them, around its best sentence
    point_chunks: int = 10  # retrieved chunks whose sentences an open answer's key points are chosen from
    key_points: int = 6  # the most key points an open answer shows (rag.answering.key_points)
    key_point_words: int = 160  # the most words they hold together
    open_lead: bool = True  # a chat model writes a 1-3 sentence lead over the key points
    lead_max_tokens: int = 90  # the most tokens it may write
    stories: bool = True  # place each article ingested in a story (rag/stories); off: no stories, no briefing
    story_window_days: int = 7  # an article joins a story that has an article within this many days of it
    story_threshold: float = 0.3  # the least match score that joins a story (higher: smaller, tighter stories)
    brief_stories: int = 10  # stories a briefing lists
    chroma_host: str = ""  # set: use the Chroma server there (chroma run …) instead of the store in index_dir
    chroma_port: int = 8000
    chroma_ssl: bool = False
    chroma_headers: str = ""  # JSON object of HTTP headers sent to the server, e.g. {"Authorization": "Bearer …"}
    chroma_collection: str = "news"
    openai_base_url: str = ""  # e.g. http://localhost:11434/v1 for Ollama; empty: api.openai.com
    openai_model: str = ""
    openai_api_key: str = ""  # empty: $OPENAI_API_KEY, else a placeholder that local servers accept
    openai_timeout: float = 60.0  # seconds the server may stay silent (connecting, or between streamed pieces)
    openai_parallel: int = 4  # answers the server writes at once (its parallel slots): the UI answers that many
    allow_private_urls: bool = False  # fetch from loopback, private and link-local addresses too (an intranet, tests)
    fetch_timeout: float = 30.0  # seconds one web request may take in all, headers and body (rag/sources/fetch.py)
    fetch_max_mb: float = 10.0  # the largest page or feed read, after decompression
    feed_max_items: int = 50  # new or changed items a feed gives per refresh (the rest wait for the next one)

    def __post_init__(self) -> None:
        object.__setattr__(self, "index_dir", Path(self.index_dir).expanduser())
        if not 32 <= self.chunk_tokens <= 250:
            raise ConfigError("chunk_tokens must be between 32 and 250 (the embedder reads 256 word pieces, two of "
                              f"them markers), got {self.chunk_tokens}")
        if not 0 <= self.chunk_overlap < self.chunk_tokens // 2:
            raise ConfigError(f"chunk_overlap must be at least 0 and below half of chunk_tokens, "
                              f"got {self.chunk_overlap}")
        if not 1 <= self.top_k <= 100:
            raise ConfigError(f"top_k must be between 1 and 100, got {self.top_k}")
        if not -1.0 <= self.min_relevance <= 1.0:
            raise ConfigError(f"min_relevance is a cosine similarity between -1 and 1, got {self.min_relevance}")
        if not 1 <= self.rerank_depth <= 200:
            raise ConfigError(f"rerank_depth must be between 1 and 200, got {self.rerank_depth}")
        if not 32 <= self.rerank_tokens <= 512:
            raise ConfigError(f"rerank_tokens must be between 32 and 512, got {self.rerank_tokens}")
        if self.recency_half_life <= 0:
            raise ConfigError(f"recency_half_life must be a positive number of days, got {self.recency_half_life}")
        if not 0 <= self.recency_weight <= 5:
            raise ConfigError(f"recency_weight must be between 0 and 5, got {self.recency_weight}")
        if self.mode not in ANSWER_MODES:
            raise ConfigError(f"unknown answer mode {self.mode!r}; choose one of: {', '.join(ANSWER_MODES)}")
        if not 512 <= self.llm_context <= 131072:
            raise ConfigError(f"llm_context must be between 512 and 131072 tokens, got {self.llm_context}")
        if self.llm_threads < 0:
            raise ConfigError(f"llm_threads must be 0 (every core) or more, got {self.llm_threads}")
        if not 8 <= self.max_tokens <= 4096:
            raise ConfigError(f"max_tokens must be between 8 and 4096, got {self.max_tokens}")
        if not 1 <= self.llm_passages <= 20:
            raise ConfigError(f"llm_passages must be between 1 and 20, got {self.llm_passages}")
        if not 10 <= self.passage_words <= 400:
            raise ConfigError(f"passage_words must be between 10 and 400, got {self.passage_words}")
        if not 1 <= self.point_chunks <= 100:
            raise ConfigError(f"point_chunks must be between 1 and 100, got {self.point_chunks}")
        if not 1 <= self.key_points <= 20:
            raise ConfigError(f"key_points must be between 1 and 20, got {self.key_points}")
        if not 20 <= self.key_point_words <= 1000:
            raise ConfigError(f"key_point_words must be between 20 and 1000, got {self.key_point_words}")
        if not 16 <= self.lead_max_tokens <= 1024:
            raise ConfigError(f"lead_max_tokens must be between 16 and 1024, got {self.lead_max_tokens}")
        if not 1 <= self.story_window_days <= 365:
            raise ConfigError(f"story_window_days must be between 1 and 365, got {self.story_window_days}")
        if not 0.0 < self.story_threshold < 1.0:
            raise ConfigError(f"story_threshold must be between 0 and 1, got {self.story_threshold}")
        if not 1 <= self.brief_stories <= 100:
            raise ConfigError(f"brief_stories must be between 1 and 100, got {self.brief_stories}")
        if not 1 <= self.chroma_port <= 65535:
            raise ConfigError(f"chroma_port must be between 1 and 65535, got {self.chroma_port}")
        if self.chroma_host and not re.fullmatch(r"[A-Za-z0-9.-]+|\[[0-9A-Fa-f:.]+\]|[0-9A-Fa-f:.]*:[0-9A-Fa-f:.]*",
                                                  self.chroma_host):
            raise ConfigError(f"chroma_host must be a host name or IP address alone (the port, scheme and path go in "
                              f"chroma_port and chroma_ssl), got {self.chroma_host!r}")
        self.chroma_header_map()  # fails early on a malformed value
        if self.embed_precision not in EMBED_PRECISIONS:
            raise ConfigError(f"embed_precision must be one of {', '.join(EMBED_PRECISIONS)}, "
                              f"got {self.embed_precision!r}")
        if not 1 <= self.openai_timeout <= 3600:
            raise ConfigError(f"openai_timeout must be between 1 and 3600 seconds, got {self.openai_timeout}")
        if not 1 <= self.openai_parallel <= 256:
            raise ConfigError(f"openai_parallel must be between 1 and 256, got {self.openai_parallel}")
        if not 1 <= self.fetch_timeout <= 600:
            raise ConfigError(f"fetch_timeout must be between 1 and 600 seconds, got {self.fetch_timeout}")
        if not 0.1 <= self.fetch_max_mb <= 512:
            raise ConfigError(f"fetch_max_mb must be between 0.1 and 512, got {self.fetch_max_mb}")
        if not 1 <= self.feed_max_items <= 1000:
            raise ConfigError(f"feed_max_items must be between 1 and 1000, got {self.feed_max_items}")
        if self.embed_batch_size < 1:
            raise ConfigError(f"embed_batch_size must be positive, got {self.embed_batch_size}")

    def chroma_header_map(self) -> dict[str, str]:
        if not self.chroma_headers.strip():
            return {}
        try:
            headers = json.loads(self.chroma_headers)
        except json.JSONDecodeError as exc:
            raise ConfigError(f"chroma_headers must be a JSON object of header names to values: {exc}") from None
        if not isinstance(headers, dict) or not all(isinstance(v, str) for v in headers.values()):
            raise ConfigError('chroma_headers must be a JSON object of header names to string values, e.g. '
                              '{"Authorization": "Bearer TOKEN"}')
        return headers

    @classmethod
    def load(cls, config_file: str | Path | None = None, **overrides: Any) -> Settings:
        """Build settings from every layer. ``overrides`` whose value is None are ignored (unset CLI flags)."""
        layers: dict[str, tuple[Any, str]] = {}  # name -> (value, where it came from, for error messages)
        path = config_file or os.environ.get("NEWSRAG_CONFIG")
        if path is None and Path(DEFAULT_CONFIG_FILE).is_file():
            path = DEFAULT_CONFIG_FILE
        if path is not None:
            layers.update({k: (v, str(path)) for k, v in _read_config_file(Path(path)).items()})
        for field in fields(cls):
            raw = os.environ.get(f"NEWSRAG_{field.name.upper()}")
            if raw is not None:
                layers[field.name] = (raw, f"NEWSRAG_{field.name.upper()}")
        layers.update({k: (v, "argument") for k, v in overrides.items() if v is not None})

        defaults: dict[str, Any] = {f.name: f.default for f in fields(cls)}
        values: dict[str, Any] = {}
        for name, (value, origin) in layers.items():
            if name not in defaults:
                raise ConfigError(f"{origin}: unknown setting {name!r}; known: {', '.join(defaults)}")
            kind = type(defaults[name])
            try:
                values[name] = _boolean(value) if kind is bool else kind(value)
            except (TypeError, ValueError):
                raise ConfigError(f"{origin}: {name} must be {kind.__name__}, got {value!r}") from None
        return cls(**values)


def _boolean(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    text = str(value).strip().lower()
    if text in ("1", "true", "yes", "on"):
        return True
    if text in ("0", "false", "no", "off"):
        return False
    raise ValueError(value)


def _read_config_file(path: Path) -> dict[str, Any]:
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ConfigError(f"config file not found: {path}") from None
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{path}: not valid TOML ({exc})") from None
