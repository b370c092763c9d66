"""newsrag: answers questions about a news corpus, citing the articles it read.

>>> from rag import NewsAssistant
>>> assistant = NewsAssistant(index_dir="index")
>>> assistant.ingest(["seeds/"])
>>> print(assistant.ask("Where did the clashes erupt?").text)

This is the public face: the command line, the browser app and the evaluation harness import only from here.
The stages behind it are subpackages (``rag.sources``, ``rag.indexing``, ``rag.stores``, ``rag.retrieval``,
``rag.answering``, ``rag.models``); docs/how-it-works.md draws the flow. Heavy libraries (torch, chromadb,
llama.cpp) load on first use, so ``import rag`` is instant.
"""

from rag.answering.briefing import briefing_dict, briefing_text, coverage, story_dict
from rag.answering.citations import MARKERS, point_line
from rag.answering.sentences import sentences
from rag.assistant import NewsAssistant
from rag.config import ANSWER_MODES, Settings
from rag.errors import ConfigError, InputError, ModelError, NewsragError, StoreError, one_line
from rag.models.catalog import resolve_precision
from rag.models.hardware import speed_note
from rag.models.server import ModelServer, start_model_server
from rag.sources.loaders import SUPPORTED_SUFFIXES, origin_label
from rag.sources.loaders import load as load_articles
from rag.sources.records import parse_date
from rag.types import (
                       Answer,
                       Article,
                       Boilerplate,
                       Briefing,
                       Chunk,
                       Citation,
                       FeedResult,
                       Filters,
                       IndexStats,
                       IngestReport,
                       KeyPoint,
                       KeyPoints,
                       LoadProblem,
                       Message,
                       Passage,
                       RefreshReport,
                       Retrieved,
                       Story,
                       StoryArticle,
                       StreamEvent,
)

__all__ = [
    # the assistant and its settings
    "NewsAssistant", "Settings", "ANSWER_MODES",
    # the records it takes and gives
    "Answer", "Article", "Boilerplate", "Chunk", "Citation", "FeedResult", "Filters", "IndexStats", "IngestReport",
    "KeyPoint", "KeyPoints", "LoadProblem", "Message", "Passage", "RefreshReport", "Retrieved", "StreamEvent",
    "Story", "StoryArticle", "Briefing",
    # errors, each one line
    "ConfigError", "InputError", "ModelError", "NewsragError", "StoreError", "one_line",
    # what front ends need to show answers and sources as newsrag does
    "MARKERS", "origin_label", "point_line", "sentences", "SUPPORTED_SUFFIXES", "parse_date", "load_articles",
    # stories and briefings as text and JSON
    "briefing_text", "briefing_dict", "story_dict", "coverage",
    # models: the chat-model server, the embedder's precision on this CPU, llama.cpp's speed on it
    "ModelServer", "resolve_precision", "speed_note", "start_model_server",
]
