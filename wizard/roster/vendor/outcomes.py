"""Match outcomes, issues and the decisions an admin can give."""

from __future__ import annotations

from wizard.errors import UserFacingError
from wizard.roster.issues import Issue

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


# Vendor problems are reported in the roster engine's own issue shape, so they join validation_report.csv.
VendorIssue = Issue


class DecisionError(UserFacingError):
    """A decision the admin gave cannot be applied (unknown student, unknown or reused username)."""


class RosterFileError(UserFacingError):
    """The vendor roster export cannot be used (unreadable, or without a username column)."""
