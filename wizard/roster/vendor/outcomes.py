"""The one vocabulary of match outcomes, the issues and the decisions an admin can give.

Every caller of the matching engine speaks it: the vendor import file and its match report, the support
view's login-link check (and its `--lookup`), and the wizard's Instant Login check on the Validate page.
"""

from __future__ import annotations

from enum import StrEnum

from wizard.errors import UserFacingError
from wizard.roster.issues import Issue


class Outcome(StrEnum):
    """What the engine concluded about one SIS student or one vendor account."""

    # A student and an account, linked. Only the first means Instant Login already works: the account's
    # ExternalID is the student's SIS id. The others are linked by the import, which writes the SIS id.
    LINKED_BY_EXTERNAL_ID = "linked_by_external_id"
    EXTERNAL_ID_LOST_ZEROS = "external_id_lost_leading_zeros"  # ExternalID = SIS id without its leading zeros
    LINKED_BY_NUMBER = "linked_by_number"
    LINKED_BY_NAME = "linked_by_name"
    LINKED_BY_DECISION = "linked_by_decision"
    # Students and accounts that need the admin's decision (each lists its candidates).
    AMBIGUOUS_MATCH = "ambiguous_match"
    EXTERNAL_ID_CONFLICT = "external_id_conflict"
    # Students without an account.
    NEW_ACCOUNT = "new_account"
    # Students the engine cannot match at all.
    NO_SIS_ID = "no_sis_id"
    SIS_ID_NOT_UNIQUE = "sis_id_not_unique"
    # A matched student whose row has errors: out of the import (and its report says so) until they are fixed.
    LEFT_OUT_FOR_ERRORS = "left_out_for_errors"
    # Accounts no student takes.
    EXTERNAL_ID_MATCHES_NO_STUDENT = "external_id_matches_no_student"
    UNMATCHED_EXISTING_ACCOUNT = "unmatched_existing_account"
    DUPLICATE_USERNAME = "duplicate_username"
    MISSING_USERNAME = "missing_username"


LINKED_OUTCOMES = (
    Outcome.LINKED_BY_EXTERNAL_ID,
    Outcome.EXTERNAL_ID_LOST_ZEROS,
    Outcome.LINKED_BY_NUMBER,
    Outcome.LINKED_BY_NAME,
    Outcome.LINKED_BY_DECISION,
)
ALL_OUTCOMES = tuple(Outcome)

# Short titles for tables and filters (the GUI's outcome column, the support view's legend).
TITLES: dict[Outcome, str] = {
    Outcome.LINKED_BY_EXTERNAL_ID: "Linked by ExternalID",
    Outcome.EXTERNAL_ID_LOST_ZEROS: "ExternalID lost its leading zeros",
    Outcome.LINKED_BY_NUMBER: "Linked by student number",
    Outcome.LINKED_BY_NAME: "Linked by name",
    Outcome.LINKED_BY_DECISION: "Linked by your choice",
    Outcome.AMBIGUOUS_MATCH: "Needs your decision",
    Outcome.EXTERNAL_ID_CONFLICT: "ExternalID conflict",
    Outcome.NEW_ACCOUNT: "New account",
    Outcome.NO_SIS_ID: "No SIS id",
    Outcome.SIS_ID_NOT_UNIQUE: "SIS id not unique",
    Outcome.LEFT_OUT_FOR_ERRORS: "Left out for errors",
    Outcome.EXTERNAL_ID_MATCHES_NO_STUDENT: "ExternalID matches no student",
    Outcome.UNMATCHED_EXISTING_ACCOUNT: "Account with no SIS student",
    Outcome.DUPLICATE_USERNAME: "Duplicate username",
    Outcome.MISSING_USERNAME: "Missing username",
}

# The decision value that gives a student a new account instead of any existing one.
DECISION_NEW = "new"


# Vendor problems are reported in the roster engine's own issue shape, so they join validation_report.csv.
VendorIssue = Issue


class DecisionError(UserFacingError):
    """A decision the admin gave cannot be applied (unknown student, unknown or reused username)."""


class RosterFileError(UserFacingError):
    """The vendor roster export cannot be used (unreadable, or without a username column)."""
