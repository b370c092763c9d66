"""One error hierarchy, so callers (the CLI, the UI) can show a clean message for anything we raise."""


def one_line(text: str) -> str:
    """``text`` with control characters (a newline in a file name or a URL, say) written as escapes: a message stays
    one line and cannot forge another."""
    return "".join(ch if ch.isprintable() or ch == " " else ascii(ch)[1:-1] for ch in text)


class NewsragError(Exception):
    """Base class: an error a user can act on, shown without a stack trace. Its message is always one line (whatever
    a URL, a file name or a server put into it), so no input can forge a second line of output."""

    def __str__(self) -> str:
        return one_line(super().__str__())


class ConfigError(NewsragError):
    """A setting is missing, malformed or contradicts another."""


class InputError(NewsragError):
    """A path or argument given by the user cannot be used (e.g. a path that does not exist)."""


class StoreError(NewsragError):
    """The index cannot be opened, read or written."""


class ModelError(NewsragError):
    """A model cannot be found or loaded."""
