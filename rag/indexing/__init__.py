"""Indexing: ``Article`` records become chunks, vectors and rows in the store.

``ingest`` drives it: articles in, unchanged ones skipped, a site's boilerplate set aside (``boilerplate``), the
rest split into chunks (``chunking``), embedded in batches and written.

May import: ``rag.errors``, ``rag.types``, ``rag.config``, ``rag.sources``, ``rag.stores`` and ``rag.models``. Never
retrieval or answering.
"""
