"""One error hierarchy, so callers (the CLI, the UI) can show a clean message for anything we raise."""


class NewsragError(Exception):
    """Base class: an error a user can act on. Its message is shown as is, without a stack trace."""


class ConfigError(NewsragError):
    """A setting is missing, malformed or contradicts another."""


class InputError(NewsragError):
    """A path or argument given by the user cannot be used (e.g. a path that does not exist)."""


class StoreError(NewsragError):
    """The index cannot be opened, read or written."""


class ModelError(NewsragError):
    """A model cannot be found or loaded."""
