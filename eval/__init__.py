"""The evaluation harness: ``newsrag eval --dataset DIR`` scores retrieval, answers and speed on gold Q&A.

``dataset`` reads a gold set, ``harness`` asks its questions (``run_eval``), ``results`` holds each question's
result and how it is scored (with the scorers of ``scoring``), ``metrics`` the metric table and the report it
computes, ``report`` writes report.json, report.md and questions.csv and ``plots`` the plots. The harness uses only
``rag``'s public face (``from rag import ...``). ``eval.benchmarks`` holds the benchmarks, scripts that measure one
part of newsrag at a time.
"""
