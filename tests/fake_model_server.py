"""A fake OpenAI-compatible chat server on 127.0.0.1 for the tests where the model's reply is hostile: it answers
every chat completion with the text a test sets (streamed or not, as asked) and records each request's messages, so
a test can read exactly what the model was shown. Nothing here is a model: it stands in where the reply, not the
writing of it, is the subject."""

from __future__ import annotations

import json
import threading
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

Reply = Callable[[list[dict[str, Any]]], str]  # the messages of a request -> the reply's text


class FakeModelServer:
    """``reply`` decides each answer; ``prompts`` holds each request's messages, in order."""

    def __init__(self, reply: Reply | str = "") -> None:
        self.reply: Reply = reply if callable(reply) else (lambda messages, text=reply: text)
        self.prompts: list[list[dict[str, Any]]] = []
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: object) -> None:
                pass

            def do_POST(self) -> None:  # noqa: N802 - http.server's name
                request = json.loads(self.rfile.read(int(self.headers.get("Content-Length") or 0)) or b"{}")
                messages = request.get("messages") or []
                fake.prompts.append(messages)
                text = fake.reply(messages)
                if request.get("stream"):
                    self._stream(text)
                else:
                    self._send(json.dumps({"id": "fake", "object": "chat.completion", "created": 0, "model": "fake",
                                           "choices": [{"index": 0, "finish_reason": "stop",
                                                        "message": {"role": "assistant", "content": text}}],
                                           "usage": {"prompt_tokens": 1, "completion_tokens": 1, "total_tokens": 2}}))

            def _send(self, body: str, content_type: str = "application/json") -> None:
                data = body.encode()
                self.send_response(200)
                self.send_header("Content-Type", content_type)
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def _stream(self, text: str) -> None:
                pieces = [text[i:i + 7] for i in range(0, len(text), 7)] or [""]
                events = [{"role": "assistant", "content": piece} for piece in pieces]
                lines = [json.dumps({"id": "fake", "object": "chat.completion.chunk", "created": 0, "model": "fake",
                                     "choices": [{"index": 0, "delta": delta, "finish_reason": None}]})
                         for delta in events]
                lines.append(json.dumps({"id": "fake", "object": "chat.completion.chunk", "created": 0,
                                         "model": "fake", "choices": [{"index": 0, "delta": {},
                                                                       "finish_reason": "stop"}]}))
                self._send("".join(f"data: {line}\n\n" for line in lines) + "data: [DONE]\n\n", "text/event-stream")

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.base_url = f"http://127.0.0.1:{self.server.server_address[1]}/v1"
        self._thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self) -> FakeModelServer:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.shutdown()
        self.server.server_close()

    def shown(self) -> str:
        """Everything the model was shown, over all requests."""
        return "\n".join(str(m.get("content", "")) for messages in self.prompts for m in messages)
