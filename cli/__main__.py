"""``python -m cli``: the same as the ``newsrag`` command."""

import sys

from cli.main import main

sys.exit(main())
