"""The Gradio chat app (see the UI issue); a thin layer over ``rag.NewsAssistant``, importing only from ``rag``.

Its modules, one job each: ``app`` the page (layout, event wiring) and ``launch``; ``exchange`` one question streamed to
its answer, and the questions it suggests asking next as buttons; ``render`` answers and the index's figures as HTML;
``sources`` the sources panel; ``options`` the controls beside the chat; ``limits`` how many answers run at once, per
process and per session; ``uploads`` the Corpus tab's files; ``feeds`` its web part and the background refresh;
``stories`` the Stories tab (the biggest stories of a window, as cards); ``chats`` past chats kept in the browser;
``styles`` the page's CSS and script.

Gradio is set up here, before any of them imports it.
"""

import os
import warnings

os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")  # before gradio is imported: no calls home

# Library warnings a person running ``newsrag ui`` can do nothing about, silenced here, at import in the main
# thread, where the filters hold (``catch_warnings`` in Gradio's threads is not thread-safe and undid requests' own
# silencing of the first when the models' warm-up thread imported it). The second is pydantic's about Gradio's routes.
warnings.filterwarnings("ignore", message="SOCKS support in urllib3")
warnings.filterwarnings("ignore", message="The 'alias' attribute with value 'upload_id'")
