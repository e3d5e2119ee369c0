"""Match outcomes, issues and the decisions an admin can give."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from wizard.errors import UserFacingError

LINKED_BY_EXTERNAL_ID = "linked_by_external_id"
LINKED_BY_NUMBER = "linked_by_number"
LINKED_BY_NAME = "linked_by_name"
LINKED_BY_DECISION = "linked_by_decision"
AMBIGUOUS_MATCH = "ambiguous_match"
NEW_ACCOUNT = "new_account"
UNMATCHED_EXISTING_ACCOUNT = "unmatched_existing_account"
EXTERNAL_ID_CONFLICT = "external_id_conflict"
DUPLICATE_USERNAME = "duplicate_username"
MISSING_USERNAME = "missing_username"

LINKED_OUTCOMES = (LINKED_BY_EXTERNAL_ID, LINKED_BY_NUMBER, LINKED_BY_NAME, LINKED_BY_DECISION)
ALL_OUTCOMES = (
    *LINKED_OUTCOMES,
    AMBIGUOUS_MATCH,
    EXTERNAL_ID_CONFLICT,
    NEW_ACCOUNT,
    UNMATCHED_EXISTING_ACCOUNT,
    DUPLICATE_USERNAME,
    MISSING_USERNAME,
)

# The decision value that gives a student a new account instead of any existing one.
DECISION_NEW = "new"


@dataclass(frozen=True)
class VendorIssue:
    """A problem found while matching or building the import; same shape as the roster engine's Issue."""

    severity: Literal["error", "warning"]
    code: str
    file: str
    row: int | None
    column: str
    value: str
    message: str


class DecisionError(UserFacingError):
    """A decision the admin gave cannot be applied (unknown student, unknown or reused username)."""


class RosterFileError(UserFacingError):
    """The vendor roster export cannot be used (unreadable, or without a username column)."""
