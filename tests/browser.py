"""The browser the UI tests drive: Debian's Chromium, never one downloaded by playwright. Where it is missing a browser
test skips, unless NEWSRAG_REQUIRE_BROWSER=1 (CI), where it must run."""

from __future__ import annotations

import os
from pathlib import Path

CHROMIUM = Path("/usr/bin/chromium")
# read at import: the autouse fixture in conftest.py clears NEWSRAG_* before each test
REQUIRE_BROWSER = os.environ.get("NEWSRAG_REQUIRE_BROWSER") == "1"
CHROMIUM_FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                  "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic"]
