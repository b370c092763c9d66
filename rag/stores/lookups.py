"""Which stored articles a user's words name: an id, a URL, the feed they came through, or a file or folder they were
read from (``newsrag remove``, ``ingest --prune``), read from every article's head record.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from pathlib import Path
from typing import Any

from rag.errors import InputError


def named_articles(heads: Sequence[dict[str, Any]], targets: Sequence[str], location: str) -> list[str]:
    """Ids of the articles ``targets`` name. Raises ``InputError`` naming a target that matches nothing."""
    found: dict[str, None] = {}
    for target in targets:
        root = Path(target).expanduser().resolve()
        matches = [m["article_id"] for m in heads  # "file" is the feed or page URL of an article from the web
                   if target in (m["article_id"], m.get("url"), m.get("file")) or _under(m.get("file", ""), [root])]
        if not matches:
            raise InputError(f"nothing in the index at {location} matches {target!r} (an article id, "
                             "a URL, or the file or folder an article was read from)")
        found.update(dict.fromkeys(matches))
    return list(found)


def articles_under(heads: Sequence[dict[str, Any]], paths: Sequence[str | Path], exclude: Collection[str] = (),
                   keep_files: Collection[str] = ()) -> list[str]:
    """Ids of the articles read from a file at or under ``paths``, except the ``exclude`` ids and articles of
    ``keep_files``. Articles indexed before files were recorded (no ``file``) are never matched."""
    roots = [Path(p).expanduser().resolve() for p in paths]
    return [m["article_id"] for m in heads
            if m.get("file") not in keep_files and m["article_id"] not in exclude
            and _under(m.get("file", ""), roots)]


def _under(file: str, roots: Sequence[Path]) -> bool:
    return bool(file) and any(Path(file) == root or Path(file).is_relative_to(root) for root in roots)
