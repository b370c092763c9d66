"""``python -m ui [--index DIR] [--host H] [--port N]``: the same as ``newsrag ui``."""

import sys

from cli.main import main

sys.exit(main(["ui", *sys.argv[1:]]))
