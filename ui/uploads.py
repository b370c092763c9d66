"""The Corpus tab's file uploads: each kept beside the index under one harmless name that never overwrites an
earlier, different upload, then ingested, with each file's problems reported."""

from __future__ import annotations

import filecmp
import re
import shutil
from pathlib import Path

import gradio as gr

from rag import SUPPORTED_SUFFIXES, InputError, NewsAssistant, NewsragError

MAX_UPLOAD = "50mb"


def uploads_dir(assistant: NewsAssistant) -> Path:
    """Where uploaded files are kept (beside the index, not in it: ingest never reads the index's own folder)."""
    index = assistant.settings.index_dir.resolve()
    return index.parent / f"{index.name}-uploads"


def add_files(assistant: NewsAssistant, files: list[str] | None, progress: gr.Progress) -> str:
    """Copy uploads into the uploads folder and ingest them one by one, reporting each file's problems."""
    if not files:
        return "Choose one or more files first."
    target = uploads_dir(assistant)
    target.mkdir(parents=True, exist_ok=True)
    lines = []
    for path in progress.tqdm(files, desc="Adding files"):
        name = safe_name(Path(path).name)
        if Path(name).suffix.lower() not in SUPPORTED_SUFFIXES:
            lines.append(f"✗ {name}: not a supported format ({', '.join(sorted(SUPPORTED_SUFFIXES))})")
            continue
        try:
            stored = keep_upload(Path(path), target, name)
        except InputError as error:
            lines.append(f"✗ {error}")
            continue
        name = stored.name
        try:
            report = assistant.ingest([stored], progress=False)
        except NewsragError as error:
            lines.append(f"✗ {name}: {error}")
            continue
        problems = [f"✗ {name}: {p.reason}" + (f" (line {p.line})" if p.line else "") for p in report.problems]
        lines.extend(problems)
        lines.extend(f"⊘ {page}" for page in report.boilerplate)
        if report.articles_seen or not problems:
            lines.append(f"✓ {name}: {report.articles_added} new, {report.articles_updated} updated, "
                         f"{report.articles_unchanged} unchanged articles; {report.chunks_added} passages added")
    return "\n".join(lines)


def keep_upload(source: Path, folder: Path, name: str) -> Path:
    """Copy an upload into ``folder`` as ``name``; an earlier, different upload of that name is kept, and this one
    becomes ``name (2)`` and so on (an identical one is reused). Never writes outside ``folder``."""
    stem, suffix = Path(name).stem, Path(name).suffix
    for number in range(1, 1000):
        stored = folder / (name if number == 1 else f"{stem} ({number}){suffix}")
        try:
            with open(source, "rb") as data, open(stored, "xb") as copy:  # "x": two uploads never share a name
                shutil.copyfileobj(data, copy)
            return stored
        except FileExistsError:
            if filecmp.cmp(source, stored, shallow=False):
                return stored
    raise InputError(f"{name}: too many different uploads of this name; rename the file")


def safe_name(name: str) -> str:
    """An uploaded file's name reduced to one harmless path component."""
    cleaned = re.sub(r"[^\w.\- ]+", "_", Path(name.replace("\\", "/")).name).strip(" .") or "upload"
    return cleaned[:120]
