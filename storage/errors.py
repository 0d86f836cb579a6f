"""Errors that reach a user: each says what was wrong and what to do, and carries the exit code."""

from __future__ import annotations


class MarkwatchError(Exception):
    """A failure to report to the user as a sentence, never as a traceback."""

    exit_code = 2  # refused: bad input or configuration, nothing written

    def __init__(
        self, message: str, *, exit_code: int | None = None, key: str | None = None, **values: object
    ) -> None:
        super().__init__(message)
        if exit_code is not None:
            self.exit_code = exit_code
        # the message's entry in the translation catalogue (review.i18n) and its values, for the
        # command line and the pages to say it in their language; ``message`` is the English text
        self.key, self.values = key, values


class DatabaseNotReady(MarkwatchError):
    """The database is missing, un-migrated or older than this version of markwatch."""


class NotFound(MarkwatchError):
    """A named thing (brand, lead, user, platform) does not exist."""
