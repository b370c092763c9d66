"""The ``newsrag`` command: ingest articles, ask questions, inspect the index.

``main()`` is the console script (``cli.main:main``) and ``python -m cli.main``: it parses the arguments
(``cli.parser``) and runs the command (``cli.commands``). Every failure a user can cause prints one line
(``newsrag: error: …``) and exits non-zero; no stack traces.
"""

from __future__ import annotations

import os
import sys

from cli.commands import COMMANDS
from cli.parser import build_parser
from rag import NewsragError


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return COMMANDS[args.command](args)
    except NewsragError as exc:
        print(f"newsrag: error: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("newsrag: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:  # the reader stopped early (newsrag stories | head): nothing more to say
        _quiet_stdout()
        return 141  # as a shell reports a process ended by SIGPIPE


def _quiet_stdout() -> None:
    """Point stdout at the null device, so flushing it at exit does not fail (and print a traceback) again."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError, AttributeError):  # stdout is no file (a test's capture): nothing is flushed at exit
        pass


if __name__ == "__main__":
    sys.exit(main())
