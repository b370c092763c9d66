"""newsrag: answers questions about a news corpus, citing the articles it read.

>>> from rag import NewsAssistant
>>> assistant = NewsAssistant(index_dir="index")
>>> assistant.ingest(["seeds/"])
>>> print(assistant.ask("Where did the clashes erupt?").text)

Heavy libraries (torch, chromadb) load on first use, so ``import rag`` is instant.
"""

from rag.assistant import NewsAssistant, Retrieved
from rag.config import Settings
from rag.errors import ConfigError, InputError, ModelError, NewsragError, StoreError
from rag.types import Answer, Article, Chunk, Citation, Filters, IngestReport, LoadProblem, Passage

__all__ = [
    "Answer", "Article", "Chunk", "Citation", "ConfigError", "Filters", "IngestReport", "InputError", "LoadProblem",
    "ModelError", "NewsAssistant", "NewsragError", "Passage", "Retrieved", "Settings", "StoreError",
]
