"""Stores: where chunks, vectors and keywords live on disk, and how they are read back.

``index`` is the protocol the rest of newsrag uses (``Index``); ``chroma`` is its implementation on Chroma (on
disk or a server), with the locking and repair that keep several processes safe; ``keywords`` is the FTS5 keyword
index beside it; ``local_db`` the small SQLite files (feed list, page registry) opened one way.

May import: ``rag.errors``, ``rag.types``, ``rag.config`` and ``rag.models`` (the embedder). Never retrieval,
answering or sources.
"""
