"""Chat models as LangChain ``BaseChatModel``s, so the answering chain stays standard whatever writes the answer.

- ``LocalChatModel``: a GGUF model run in-process by llama.cpp (``xllamacpp``), offline, with token streaming. The
  model loads once per process, on first use, and is shared by every ``LocalChatModel`` with the same settings.
  llama.cpp keeps each slot's KV cache, so the fixed system prompt (about 300 tokens) is read once per process, and
  ``prime`` reads it ahead, while the caller does other work. Memory stays flat: llama.cpp's RAM prompt cache (which
  by default grows by each evicted prompt's KV state up to 8 GiB) is off, as the three slots already keep the
  prompts that repeat.
- ``chat_model(settings)``: the model that ``settings.mode`` asks for (``local`` or ``openai``, i.e. any
  OpenAI-compatible endpoint such as Ollama, vLLM or a llama.cpp server, through the optional ``langchain-openai``).
"""

from __future__ import annotations

import atexit
import os
import queue
import threading
import time
from collections.abc import Iterator, Sequence
from functools import lru_cache
from typing import Any

from langchain_core.callbacks import CallbackManagerForLLMRun
from langchain_core.language_models import BaseChatModel
from langchain_core.messages import AIMessage, AIMessageChunk, BaseMessage
from langchain_core.outputs import ChatGeneration, ChatGenerationChunk, ChatResult
from pydantic import SecretStr

from rag.config import Settings
from rag.errors import ConfigError, ModelError
from rag.models.hardware import llama_foreign_features, physical_cores

_ROLES = {"system": "system", "human": "user", "ai": "assistant"}


class LocalChatModel(BaseChatModel):
    """A local GGUF chat model (llama.cpp via xllamacpp). Greedy decoding by default, so answers are repeatable.

    >>> model = LocalChatModel(model_path="qwen.gguf", max_tokens=64)
    >>> model.invoke("Say hi").content
    """

    model_path: str
    context_tokens: int
    threads: int  # 0: one per physical core
    max_tokens: int
    temperature: float = 0.0

    @property
    def _llm_type(self) -> str:
        return "newsrag-local-gguf"

    @property
    def _identifying_params(self) -> dict[str, Any]:
        return {"model_path": self.model_path, "context_tokens": self.context_tokens}

    def _request(self, messages: Sequence[BaseMessage], stop: list[str] | None, stream: bool) -> dict[str, Any]:
        request: dict[str, Any] = {
            "messages": [{"role": _ROLES.get(m.type, "user"), "content": m.content} for m in messages],
            "max_tokens": self.max_tokens,
            "temperature": self.temperature,
            "cache_prompt": True,
            "stream": stream,
        }
        if stop:
            request["stop"] = stop
        return request

    def prime(self, messages: Sequence[BaseMessage]) -> None:
        """Read ``messages`` into a slot's KV cache without answering: a later request sharing their prefix (the
        fixed system prompt) then reads only what differs."""
        request = {**self._request(messages, None, stream=False), "max_tokens": 1}
        for _ in self.load().stream(request):
            pass

    def load(self) -> _Server:
        """The loaded model (loading it now if this process has not yet)."""
        return _server(self.model_path, self.context_tokens, self.threads or physical_cores())

    def _generate(self, messages: list[BaseMessage], stop: list[str] | None = None,
                  run_manager: CallbackManagerForLLMRun | None = None, **kwargs: Any) -> ChatResult:
        text = "".join(chunk.text for chunk in self._stream(messages, stop, run_manager, **kwargs))
        return ChatResult(generations=[ChatGeneration(message=AIMessage(content=text))])

    def _stream(self, messages: list[BaseMessage], stop: list[str] | None = None,
                run_manager: CallbackManagerForLLMRun | None = None, **kwargs: Any) -> Iterator[ChatGenerationChunk]:
        for piece in self.load().stream(self._request(messages, stop, stream=True)):
            chunk = ChatGenerationChunk(message=AIMessageChunk(content=piece))
            if run_manager:
                run_manager.on_llm_new_token(piece, chunk=chunk)
            yield chunk


class _Server:
    """One loaded llama.cpp model. Requests are served one at a time (two cores gain nothing from batching)."""

    def __init__(self, model_path: str, context_tokens: int, threads: int) -> None:
        try:
            import xllamacpp
        except ImportError:
            raise ModelError("the local model needs xllamacpp: pip install -e . installs it") from None
        foreign = llama_foreign_features(xllamacpp.get_system_info())
        if foreign:
            raise ModelError(f"the installed llama.cpp was built for another CPU ({', '.join(foreign)}, which this one "
                             "lacks): reinstall it here: pip install --force-reinstall --no-deps --no-cache-dir "
                             "xllamacpp (see docs/speed.md, 'Faster answers')")
        params = xllamacpp.CommonParams()
        params.model.path = model_path
        # Three slots, each with its own KV cache: quiz answers, open answers and follow-up rewrites have different
        # fixed system prompts, and llama.cpp sends a request to the slot sharing the longest prefix, so none evicts
        # another.
        params.n_ctx = 3 * context_tokens
        params.n_parallel = 3
        params.cpuparams.n_threads = threads
        params.cpuparams_batch.n_threads = threads
        params.cache_ram_mib = 0  # the RAM prompt cache: +10 MB per question measured, up to 8 GiB (see above)
        params.verbosity = -1
        params.warmup = False
        started = time.perf_counter()
        try:
            self._server = xllamacpp.Server(params)
        except Exception as exc:  # noqa: BLE001 - the C++ side reports a bad file as a RuntimeError with no detail
            raise ModelError(f"could not load the model {model_path}: {exc}") from None
        self.load_seconds = time.perf_counter() - started
        self._lock = threading.Lock()

    def stream(self, request: dict[str, Any]) -> Iterator[str]:
        """Yield text pieces as the model writes them. llama.cpp calls back from the calling thread, so the call runs
        in a worker thread and hands pieces over through a queue. When the reader stops reading (a stop button, an
        error downstream), the model stops at its next token instead of writing on for no one while holding the
        model from the next question."""
        pieces: queue.Queue[tuple[str, Any]] = queue.Queue()
        abandoned = threading.Event()

        def on_chunk(chunk: dict[str, Any]) -> bool:  # True tells llama.cpp to stop
            if "error" in chunk:
                pieces.put(("error", chunk["error"]))
                return True
            for choice in chunk.get("choices", ()):
                content = (choice.get("delta") or {}).get("content")
                if content:
                    pieces.put(("text", content))
            return abandoned.is_set() or _EXITING.is_set()

        def run() -> None:
            try:
                with self._lock:
                    result = self._server.handle_chat_completions(request, on_chunk)
                if isinstance(result, dict) and "error" in result:
                    pieces.put(("error", result["error"]))
            except Exception as exc:  # noqa: BLE001 - surfaced to the consumer below, not lost in the thread
                pieces.put(("error", exc))
            finally:
                pieces.put(("end", None))
                _WRITING.discard(threading.current_thread())

        worker = threading.Thread(target=run, name="newsrag-llm", daemon=True)
        _WRITING.add(worker)
        worker.start()
        try:
            while True:
                kind, value = pieces.get()
                if kind == "end":
                    return
                if kind == "error":
                    message = value.get("message", value) if isinstance(value, dict) else value
                    raise ModelError(f"the local model failed: {message}")
                yield value
        finally:
            abandoned.set()


_loading = threading.Lock()  # a model primed in the background and a question asked meanwhile load it once
_EXITING = threading.Event()
_WRITING: set[threading.Thread] = set()  # generations under way


@atexit.register
def _stop_writing() -> None:
    """Stop generations still under way when Python exits, and wait for them. Left running, llama.cpp's next call
    back into an interpreter that is shutting down kills its thread mid-C++, and that aborts the whole process
    ("FATAL: exception not rethrown", exit status 134): seen when a browser's stop left an answer being written."""
    _EXITING.set()
    for worker in list(_WRITING):
        worker.join(timeout=60)  # the stop is seen at the next token; reading a prompt can take some seconds


def _server(model_path: str, context_tokens: int, threads: int) -> _Server:
    with _loading:
        return _loaded(model_path, context_tokens, threads)


@lru_cache(maxsize=2)
def _loaded(model_path: str, context_tokens: int, threads: int) -> _Server:
    return _Server(model_path, context_tokens, threads)


def chat_model(settings: Settings) -> BaseChatModel:
    """The chat model that ``settings.mode`` selects. ``extractive`` has none: ask for it there is a config error."""
    if settings.mode == "local":
        from rag.models.catalog import gguf_path

        return LocalChatModel(model_path=str(gguf_path(settings.llm_model)), context_tokens=settings.llm_context,
                              threads=settings.llm_threads, max_tokens=settings.max_tokens)
    if settings.mode == "openai":
        try:
            from rag.models.openai_chat import ServerChatModel
        except ImportError:
            raise ConfigError("mode 'openai' needs the optional extra: pip install -e '.[openai]'") from None
        if not settings.openai_model:
            raise ConfigError("mode 'openai' needs openai_model (NEWSRAG_OPENAI_MODEL), e.g. llama3.2 for Ollama")
        key = settings.openai_api_key or os.environ.get("OPENAI_API_KEY") or "not-needed"  # local servers take any
        return ServerChatModel(model=settings.openai_model, base_url=settings.openai_base_url or None,
                               api_key=SecretStr(key), temperature=0, streaming=True, max_retries=0,
                               timeout=settings.openai_timeout,
                               max_tokens=settings.max_tokens)  # type: ignore[call-arg]  # pydantic aliases
    raise ConfigError(f"mode {settings.mode!r} writes answers without a chat model")
