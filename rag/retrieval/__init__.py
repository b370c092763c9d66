"""Retrieval: a question becomes ranked passages.

``retriever`` fuses the dense and keyword rankings (with a soft preference for the question's day) and has the
cross-encoder rerank the best (``rerank``). What the question asks for ("the latest", the names it contains) is read
by ``rag.question``.

May import: ``rag.errors``, ``rag.types``, ``rag.config``, ``rag.question``, ``rag.stores`` (the ``Index``
protocol) and ``rag.models``. Never answering, indexing or sources.
"""
