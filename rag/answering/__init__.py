"""Answering: retrieved passages become a checked, cited ``Answer``.

One answerer per form of answer (``quiz``, ``open``, ``quoting``), each choosing what it reads, what a model writes
from it (``prompts``) and what is shown once checked (``grounding``, ``citations``).

May import: ``rag.errors``, ``rag.types``, ``rag.config``, ``rag.question``, ``rag.retrieval`` and ``rag.models``.
Never sources, indexing or stores.
"""
