"""llama.cpp's OpenAI-compatible HTTP server over a packaged model, from the same ``xllamacpp`` that runs the local
model in-process: how one machine serves the chat model to many newsrag processes (each with ``mode = "openai"``),
and what the tests and the load benchmark run against.

>>> server = start_model_server(Settings(), port=8080, slots=4)   # serves until the process ends
>>> server.base_url                                                 # -> openai_base_url
'http://127.0.0.1:8080/v1'
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Any

from rag.config import Settings
from rag.errors import ModelError
from rag.models.hardware import physical_cores


@dataclass(frozen=True)
class ModelServer:
    """A running server: ``base_url`` is what ``openai_base_url`` takes, ``slots`` how many answers it writes at once
    (``openai_parallel``)."""

    base_url: str
    model: str
    slots: int
    load_seconds: float
    handle: Any  # the xllamacpp.Server: the server runs while it lives


def start_model_server(settings: Settings, host: str = "127.0.0.1", port: int = 8080, slots: int = 4,
                       api_key: str = "") -> ModelServer:
    """Load ``settings.llm_model`` and serve it on ``host:port`` with ``slots`` parallel slots, each with
    ``settings.llm_context`` tokens of context. ``api_key``: requests must send it as a bearer token."""
    import xllamacpp

    from rag.models.catalog import gguf_path

    if not 1 <= port <= 65535:
        raise ModelError(f"the model server's port must be between 1 and 65535, got {port}")
    path = gguf_path(settings.llm_model)
    params = xllamacpp.CommonParams()
    params.model.path = str(path)
    params.port = port
    params.hostnames = [host]
    params.n_parallel = slots
    params.n_ctx = slots * settings.llm_context
    threads = settings.llm_threads or physical_cores()
    params.cpuparams.n_threads = threads
    params.cpuparams_batch.n_threads = threads
    params.cache_ram_mib = 0  # as in-process: the slots keep the prompts that repeat (rag/models/llm.py)
    params.verbosity = -1
    params.warmup = False
    if api_key:
        params.api_keys = [api_key]
    started = time.perf_counter()
    try:
        handle = xllamacpp.Server(params)
    except Exception as exc:  # noqa: BLE001 - the C++ side reports a busy port or a bad file with little detail
        raise ModelError(f"could not start the model server on {host}:{port} with {path.name}: {exc}") from None
    address = str(handle.listening_address or f"http://{host}:{port}")
    return ModelServer(f"{address.rstrip('/')}/v1", settings.llm_model, slots, time.perf_counter() - started, handle)
