"""``python -m ui [--index DIR] [--host H] [--port N]``: the same as ``newsrag ui``."""

import sys

from rag.cli import main

sys.exit(main(["ui", *sys.argv[1:]]))
