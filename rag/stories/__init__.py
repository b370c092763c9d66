"""Stories: which articles report the same event, kept beside the index as the corpus grows.

Each article is placed once, when it is indexed (``placing``): it becomes a copy of an article it (nearly) repeats,
joins the story it matches best among its nearest neighbours in a time window, or starts a story. ``signals`` holds
what two articles are compared by (their vectors, their weighted words, a MinHash of their text); ``store`` keeps
articles, stories and word counts in ``stories.sqlite3`` in the index folder.

May import: ``rag.errors``, ``rag.types``, ``rag.config``, ``rag.question``, ``rag.stores`` and ``rag.models``.
Never retrieval or answering (they read stories; stories read nothing of theirs).
"""
