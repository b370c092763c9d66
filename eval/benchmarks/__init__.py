"""Benchmarks: scripts that measure one part of newsrag at a time, apart from the evaluation harness (``newsrag eval``,
which scores the whole product on a gold set). Each is a module run on its own, ``python -m eval.benchmarks.NAME
--help`` saying what it measures and how to run it: ``retrieval`` (BM25, dense, hybrid and reranking side by
side), ``selection`` (what survives the cut from chunks to what the answerer reads), ``latest`` (the "latest means
now" preference), ``extract`` (HTML main text and dates, against trafilatura and the old parser), ``boilerplate``
(site boilerplate set aside at ingest), ``ingest`` (ingest speed), ``scale`` (an index of up to a million chunks),
``llm`` (the local chat model's speed), ``chat`` (a scripted conversation), ``load`` (many questions at once, through
the API and the app) and ``soak`` (memory over hundreds of questions). They take their time and their timings are
their figures, so run them alone on the machine; the figures they gave are in docs/. Benchmarks may use newsrag's
components (public names of ``rag``'s subpackages) and the harness's dataset, index cache and scorers, but never
one another: what two of them share is in ``common``.
"""
