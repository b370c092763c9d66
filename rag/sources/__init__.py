"""Sources: files, URLs and feeds become ``Article`` records.

A file is read by its format (``loaders``), a web page has its main text and dates extracted (``extract``), a feed is
parsed (``feed_formats``), fetched safely from public addresses only (``fetch``, ``web``), and followed feeds are kept
in a small list beside the index (``feeds``). The helpers every record shares (clean text, dates, one-line names)
are in ``records``, at the bottom. Everything here is hostile input until checked.

May import: ``rag.errors``, ``rag.types``, ``rag.config`` and ``rag.stores.local_db`` (the feed list's file). Never
the stages after it (indexing, retrieval, answering).
"""
