"""The ``newsrag`` command, a front end over the library (``rag``) beside the browser app (``ui``) and the
evaluation harness (``eval``). The library never imports it."""
