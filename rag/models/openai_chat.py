"""The chat model of ``mode = "openai"``: LangChain's ``ChatOpenAI`` against any OpenAI-compatible server (vLLM,
Ollama, llama.cpp's server, OpenAI), with every way the server can fail said in one line that names its URL.

A server that is down, stalls past ``openai_timeout``, refuses the key (401), lacks the model (404), fails (5xx) or
answers something that is not an OpenAI-compatible answer raises ``ModelError``: the CLI prints it as one line, the
UI shows it in the chat, and nothing else breaks. Requests are not retried: a person waiting for an answer is better
told at once than after three silent retries.
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator, Iterator
from typing import Any

import openai
from langchain_core.callbacks import AsyncCallbackManagerForLLMRun, CallbackManagerForLLMRun
from langchain_core.messages import BaseMessage
from langchain_core.outputs import ChatGenerationChunk, ChatResult
from langchain_openai import ChatOpenAI

from rag.errors import ModelError


class ServerChatModel(ChatOpenAI):
    """``ChatOpenAI`` whose failures are ``ModelError``s naming the server (see the module's docstring)."""

    def _stream(self, messages: list[BaseMessage], stop: list[str] | None = None,
                run_manager: CallbackManagerForLLMRun | None = None, **kwargs: Any) -> Iterator[ChatGenerationChunk]:
        try:
            yield from super()._stream(messages, stop, run_manager, **kwargs)
        except Exception as exc:  # noqa: BLE001 - every failure of the server, told in one line
            raise self._failure(exc) from None

    def _generate(self, messages: list[BaseMessage], stop: list[str] | None = None,
                  run_manager: CallbackManagerForLLMRun | None = None, **kwargs: Any) -> ChatResult:
        try:
            return super()._generate(messages, stop, run_manager, **kwargs)
        except Exception as exc:  # noqa: BLE001 - as above
            raise self._failure(exc) from None

    async def _astream(self, messages: list[BaseMessage], stop: list[str] | None = None,
                       run_manager: AsyncCallbackManagerForLLMRun | None = None,
                       **kwargs: Any) -> AsyncIterator[ChatGenerationChunk]:
        try:
            async for chunk in super()._astream(messages, stop, run_manager, **kwargs):
                yield chunk
        except Exception as exc:  # noqa: BLE001 - as above
            raise self._failure(exc) from None

    def _failure(self, exc: Exception) -> ModelError:
        if isinstance(exc, ModelError):
            return exc
        return ModelError(f"the model server at {self.openai_api_base or 'api.openai.com'} {describe(exc, self)}")


def describe(exc: Exception, model: ChatOpenAI) -> str:
    """What went wrong, in words a user can act on."""
    if isinstance(exc, openai.APITimeoutError):
        return f"did not answer within {model.request_timeout} s (openai_timeout)"
    if isinstance(exc, openai.APIConnectionError):
        cause = exc.__cause__ or exc.__context__
        return f"cannot be reached ({_short(cause) if cause else 'connection failed'})"
    if isinstance(exc, openai.AuthenticationError):
        return "refused the API key (HTTP 401): set openai_api_key (NEWSRAG_OPENAI_API_KEY) to a key it accepts"
    if isinstance(exc, openai.PermissionDeniedError):
        return "refused the request (HTTP 403): the key may not use this model"
    if isinstance(exc, openai.NotFoundError):
        return (f"has no model {model.model_name!r} or no chat endpoint there (HTTP 404): check openai_model and "
                "openai_base_url (it usually ends in /v1)")
    if isinstance(exc, openai.APIStatusError):
        return f"failed (HTTP {exc.status_code}): {_short(exc.message)}"
    if isinstance(exc, (openai.APIResponseValidationError, json.JSONDecodeError, ValueError, KeyError, TypeError,
                        AttributeError)):
        return f"sent an answer that is not an OpenAI-compatible one ({_short(exc)})"
    return f"failed: {_short(exc)}"


def _short(value: object, limit: int = 160) -> str:
    text = " ".join(str(value).split()) or type(value).__name__
    return text if len(text) <= limit else text[:limit] + "…"
