"""Errors a user can cause, each carrying a message written for a person, not a developer."""

from __future__ import annotations


class UserFacingError(Exception):
    """A failure the user can act on: `message` says what happened, `hint` what to do about it.

    The CLI prints these as one line on stderr and the GUI shows them inline on the page; neither shows a
    traceback. Subclasses must never put secrets into either text.
    """

    def __init__(self, message: str, hint: str = "") -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint

    def __str__(self) -> str:
        return f"{self.message} {self.hint}".strip()


class UsageError(UserFacingError):
    """The command line or the input files cannot be used at all (the CLI's exit code 2)."""
