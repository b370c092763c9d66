"""A BERT sentence encoder in NumPy: the packaged all-MiniLM-L6-v2 weights run without torch.

Questions and the sentences scored against them are a few dozen short texts per answer. Importing torch and
sentence-transformers to embed them cost 5.3 s of a one-shot ``newsrag ask``, and torch's bfloat16 kernels grew the
memory of a long-running process with every new batch shape. This is the same network (a BERT encoder, mean pooling,
normalised) computed in float32 with NumPy's BLAS, from the same ``model.safetensors``: its vectors match
sentence-transformers' float32 ones to ~1e-6 (``tests/models/test_embeddings.py``). Indexing, which embeds thousands of
chunks, still runs on sentence-transformers (bfloat16 where the CPU has it).
"""

from __future__ import annotations

import json
import threading
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from rag.errors import ModelError

# erf by Abramowitz & Stegun 7.1.26 (error below 1.5e-7): BERT's GELU is the exact, erf-based one.
_P = 0.3275911
_A = (0.254829592, -0.284496736, 1.421413741, -1.453152027, 1.061405429)


def _erf(x: np.ndarray) -> np.ndarray:
    sign = np.sign(x)
    x = np.minimum(np.abs(x), 9.0)  # erf(9) is 1 in float32; exp(-x * x) stays clear of slow subnormal numbers
    t = 1.0 / (1.0 + _P * x)
    poly = t * (_A[0] + t * (_A[1] + t * (_A[2] + t * (_A[3] + t * _A[4]))))
    return sign * (1.0 - poly * np.exp(-x * x))


def _gelu(x: np.ndarray) -> np.ndarray:
    return 0.5 * x * (1.0 + _erf(x / np.sqrt(np.float32(2.0))))


def _layer_norm(x: np.ndarray, weight: np.ndarray, bias: np.ndarray, eps: float) -> np.ndarray:
    mean = x.mean(axis=-1, keepdims=True)
    centred = x - mean
    variance = (centred * centred).mean(axis=-1, keepdims=True)
    return centred / np.sqrt(variance + eps) * weight + bias


class NumpyBert:
    """``encode(texts) -> (n, dim)`` normalised mean-pooled vectors of a sentence-transformers BERT folder
    (``config.json``, ``model.safetensors``, ``tokenizer.json``), in length-sorted batches."""

    def __init__(self, folder: Path, max_tokens: int = 256) -> None:
        from safetensors.numpy import load_file
        from tokenizers import Tokenizer

        try:
            config = json.loads((folder / "config.json").read_text(encoding="utf-8"))
            weights = load_file(str(folder / "model.safetensors"))
            self.tokenizer = Tokenizer.from_file(str(folder / "tokenizer.json"))
        except (OSError, ValueError) as exc:
            raise ModelError(f"cannot load the embedding model from {folder}: {exc}") from None
        if config.get("model_type") != "bert" or config.get("hidden_act") != "gelu":
            raise ModelError(f"{folder} is not a BERT model with GELU activations")
        self.heads = int(config["num_attention_heads"])
        self.eps = float(config.get("layer_norm_eps", 1e-12))
        self.max_tokens = min(max_tokens, int(config["max_position_embeddings"]))
        self.tokenizer.enable_truncation(max_length=self.max_tokens)
        self.tokenizer.no_padding()
        prefix = "bert." if "bert.embeddings.word_embeddings.weight" in weights else ""
        self.w = {name[len(prefix):]: value.astype(np.float32) for name, value in weights.items()
                  if name.startswith(prefix) and value.dtype != np.int64}
        self.layers = int(config["num_hidden_layers"])
        # one fused projection for query, key and value: one BLAS call instead of three
        for i in range(self.layers):
            at = f"encoder.layer.{i}.attention.self."
            parts = ("query", "key", "value")
            self.w[at + "qkv.weight"] = np.concatenate([self.w[at + f"{n}.weight"].T for n in parts], axis=1)
            self.w[at + "qkv.bias"] = np.concatenate([self.w[at + f"{n}.bias"] for n in parts])
            for name in ("attention.output.dense", "intermediate.dense", "output.dense"):
                key = f"encoder.layer.{i}.{name}.weight"
                self.w[key] = np.ascontiguousarray(self.w[key].T)
        self._lock = threading.Lock()  # one encode at a time: shared tokenizer state, and BLAS already uses every core

    def encode(self, texts: Sequence[str], batch_size: int = 32, **_: object) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.w["embeddings.word_embeddings.weight"].shape[1]), dtype=np.float32)
        with self._lock:
            return self._encode(texts, batch_size)

    def _encode(self, texts: Sequence[str], batch_size: int) -> np.ndarray:
        ids = [e.ids for e in self.tokenizer.encode_batch(list(texts))]
        order = sorted(range(len(ids)), key=lambda i: len(ids[i]))
        out = np.zeros((len(ids), self.w["embeddings.word_embeddings.weight"].shape[1]), dtype=np.float32)
        for start in range(0, len(order), batch_size):
            batch = order[start:start + batch_size]
            length = max(len(ids[i]) for i in batch)
            tokens = np.zeros((len(batch), length), dtype=np.int64)
            mask = np.zeros((len(batch), length), dtype=np.float32)
            for row, i in enumerate(batch):
                tokens[row, :len(ids[i])] = ids[i]
                mask[row, :len(ids[i])] = 1.0
            out[batch] = self._pooled(tokens, mask)
        return out

    def _pooled(self, tokens: np.ndarray, mask: np.ndarray) -> np.ndarray:
        w = self.w
        batch, length = tokens.shape
        x = (w["embeddings.word_embeddings.weight"][tokens] + w["embeddings.position_embeddings.weight"][:length]
             + w["embeddings.token_type_embeddings.weight"][0])
        x = _layer_norm(x, w["embeddings.LayerNorm.weight"], w["embeddings.LayerNorm.bias"], self.eps)
        hidden = x.shape[-1]
        size = hidden // self.heads
        blocked = ((1.0 - mask) * np.float32(-1e9))[:, None, None, :]  # padding gets no attention
        for i in range(self.layers):
            at = f"encoder.layer.{i}."
            flat = x.reshape(batch * length, hidden)  # 2-D products go to BLAS
            qkv = (flat @ w[at + "attention.self.qkv.weight"] + w[at + "attention.self.qkv.bias"]).reshape(
                batch, length, 3, self.heads, size).transpose(2, 0, 3, 1, 4)
            q, k, v = (np.ascontiguousarray(part) for part in qkv)
            scores = q @ k.transpose(0, 1, 3, 2) / np.sqrt(np.float32(size)) + blocked
            scores = np.exp(np.maximum(scores - scores.max(axis=-1, keepdims=True), -80.0))  # no subnormals
            scores /= scores.sum(axis=-1, keepdims=True)
            context = (scores @ v).transpose(0, 2, 1, 3).reshape(batch * length, hidden)
            attended = context @ w[at + "attention.output.dense.weight"] + w[at + "attention.output.dense.bias"]
            flat = _layer_norm(attended + flat, w[at + "attention.output.LayerNorm.weight"],
                               w[at + "attention.output.LayerNorm.bias"], self.eps)
            inner = _gelu(flat @ w[at + "intermediate.dense.weight"] + w[at + "intermediate.dense.bias"])
            flat = _layer_norm(inner @ w[at + "output.dense.weight"] + w[at + "output.dense.bias"] + flat,
                               w[at + "output.LayerNorm.weight"], w[at + "output.LayerNorm.bias"], self.eps)
            x = flat.reshape(batch, length, hidden)
        pooled = (x * mask[..., None]).sum(axis=1) / np.maximum(mask.sum(axis=1, keepdims=True), 1e-9)
        return (pooled / (np.linalg.norm(pooled, axis=1, keepdims=True) + 1e-12)).astype(np.float32)
