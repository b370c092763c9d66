"""Past conversations, kept in each person's own browser (Gradio's ``BrowserState``: the browser's localStorage,
encrypted with a key only this server holds), never on the server: a reload or a restart of the app brings them
back, another browser (or person) never sees them.

A conversation is a dict: ``id``, ``title`` (its first question), ``history`` (the text follow-ups are read with),
``shown`` (the conversation as the chat showed it) and ``panel`` (its last sources panel). The newest comes first.
"""

from __future__ import annotations

import os
import secrets
import uuid
from pathlib import Path
from typing import Any

MAX_CHATS = 30  # the oldest beyond this are dropped: localStorage holds a few MB per site
TITLE_CHARS = 60
STORAGE_KEY = "newsrag-chats"

Chat = dict[str, Any]


def save(chats: list[Chat] | None, chat_id: str, history: list[dict[str, str]], shown: list[dict[str, str]],
         panel: str) -> tuple[list[Chat], str]:
    """``chats`` with the conversation ``chat_id`` (a new one when "") saved first; and its id."""
    chats = [c for c in chats or [] if isinstance(c, dict)]
    if not history:
        return chats, chat_id
    chat_id = chat_id or uuid.uuid4().hex[:12]
    first = next((m["content"] for m in history if m.get("role") == "user"), "")
    title = first if len(first) <= TITLE_CHARS else first[: TITLE_CHARS - 1].rstrip() + "…"
    chat = {"id": chat_id, "title": title, "history": history, "shown": shown, "panel": panel}
    return [chat, *(c for c in chats if c.get("id") != chat_id)][:MAX_CHATS], chat_id


def find(chats: list[Chat] | None, chat_id: str | None) -> Chat | None:
    return next((c for c in chats or [] if isinstance(c, dict) and chat_id and c.get("id") == chat_id), None)


def delete(chats: list[Chat] | None, chat_id: str | None) -> list[Chat]:
    return [c for c in chats or [] if isinstance(c, dict) and c.get("id") != chat_id]


def choices(chats: list[Chat] | None) -> list[tuple[str, str]]:
    """(title, id) of each saved conversation, newest first, for the list of past chats."""
    return [(str(c.get("title") or "(untitled)"), str(c["id"])) for c in chats or [] if isinstance(c, dict)
            and c.get("id")]


def browser_secret(index_dir: Path) -> str:
    """The key the browsers' saved conversations are encrypted with, made once and kept beside the index (owner
    only): without a fixed key, a restart of the app would leave every saved conversation unreadable."""
    path = Path(index_dir) / "browser.secret"
    try:
        return path.read_text(encoding="ascii").strip()
    except FileNotFoundError:
        pass
    path.parent.mkdir(parents=True, exist_ok=True)
    key = secrets.token_urlsafe(32)
    try:
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:  # another process made it first
        return path.read_text(encoding="ascii").strip()
    with os.fdopen(descriptor, "w", encoding="ascii") as file:
        file.write(key)
    return key
