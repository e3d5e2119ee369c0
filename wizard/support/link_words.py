"""The login-link check's words: the order a person reads the outcomes in, what each means in plain words and
in short, who must act, and what to do (for the CSV, the report, the troubleshooter and the wizard)."""

from __future__ import annotations

from wizard.roster.vendor.outcomes import Outcome
from wizard.support.health import DISTRICT, VENDOR

# The students who will not be signed straight in, in the order a person reads about them.
LINKS_OUTCOME_ORDER = (
    Outcome.EXTERNAL_ID_LOST_ZEROS,
    Outcome.LINKED_BY_NAME,
    Outcome.LINKED_BY_NUMBER,
    Outcome.LINKED_BY_DECISION,
    Outcome.AMBIGUOUS_MATCH,
    Outcome.EXTERNAL_ID_CONFLICT,
    Outcome.NEW_ACCOUNT,
    Outcome.NO_SIS_ID,
    Outcome.SIS_ID_NOT_UNIQUE,
)
NOT_LINKED_OUTCOMES = LINKS_OUTCOME_ORDER
PLAIN_WORDS: dict[Outcome, str] = {
    # students
    Outcome.LINKED_BY_EXTERNAL_ID: "will sign in straight into their existing account",
    Outcome.EXTERNAL_ID_LOST_ZEROS: "the account's ExternalID lost the SIS id's leading zeros "
    "(the file went through a spreadsheet)",
    Outcome.LINKED_BY_NAME: "an account with the same name exists, but its ExternalID is empty or another id",
    Outcome.LINKED_BY_NUMBER: "an account with the same student number exists, but its ExternalID is empty "
    "or another id",
    Outcome.LINKED_BY_DECISION: "the account chosen for them does not have their SIS id as ExternalID yet",
    Outcome.AMBIGUOUS_MATCH: "more than one account could be theirs (grade, school and birth date do not tell "
    "them apart) and none has their SIS id",
    Outcome.EXTERNAL_ID_CONFLICT: "the accounts that could be theirs disagree: several claim their SIS id, or "
    "the one that matches carries another id as ExternalID",
    Outcome.NEW_ACCOUNT: "no account has their SIS id: Instant Login will create a new, empty account or fail",
    Outcome.NO_SIS_ID: "has no SIS id in the hub, so nothing can link them",
    Outcome.SIS_ID_NOT_UNIQUE: "another student has the same SIS id, so both would sign into one account",
    Outcome.LEFT_OUT_FOR_ERRORS: "their row has errors, so the import leaves them out",
    # accounts
    Outcome.EXTERNAL_ID_MATCHES_NO_STUDENT: "its ExternalID is not the SIS id of any student the district "
    "shares with the app",
    Outcome.UNMATCHED_EXISTING_ACCOUNT: "it has no ExternalID and no shared student matches it, so no hub "
    "login can reach it",
    Outcome.DUPLICATE_USERNAME: "its username repeats another account's, so only one of them can be used",
    Outcome.MISSING_USERNAME: "it has no username",
}
SHORT_WORDS: dict[Outcome, str] = {
    Outcome.LINKED_BY_EXTERNAL_ID: "linked",
    Outcome.EXTERNAL_ID_LOST_ZEROS: "ExternalID lost its leading zeros",
    Outcome.LINKED_BY_NAME: "same-name account without their SIS id",
    Outcome.LINKED_BY_NUMBER: "same-number account without their SIS id",
    Outcome.LINKED_BY_DECISION: "chosen account without their SIS id",
    Outcome.AMBIGUOUS_MATCH: "several possible accounts",
    Outcome.EXTERNAL_ID_CONFLICT: "ExternalID conflict",
    Outcome.NEW_ACCOUNT: "no account",
    Outcome.NO_SIS_ID: "no SIS id",
    Outcome.SIS_ID_NOT_UNIQUE: "SIS id not unique",
    Outcome.LEFT_OUT_FOR_ERRORS: "left out for errors",
    Outcome.EXTERNAL_ID_MATCHES_NO_STUDENT: "ExternalID matches no shared student",
    Outcome.UNMATCHED_EXISTING_ACCOUNT: "no ExternalID",
    Outcome.DUPLICATE_USERNAME: "duplicate username",
    Outcome.MISSING_USERNAME: "no username",
}
WHO_ACTS: dict[Outcome, str] = {
    outcome: (
        ""
        if outcome == Outcome.LINKED_BY_EXTERNAL_ID
        else DISTRICT
        if outcome in {Outcome.NO_SIS_ID, Outcome.SIS_ID_NOT_UNIQUE, Outcome.LEFT_OUT_FOR_ERRORS}
        else VENDOR
    )
    for outcome in Outcome
}


def what_to_do(outcome: str, sis_id: str, username: str, app: str, candidates: str = "") -> str:
    """The fix in one sentence, for the CSV, the troubleshooter and the wizard's Instant Login check."""
    if outcome == Outcome.NO_SIS_ID:
        return "Add the student's SIS id in the SIS; it reaches the hub at the next sync."
    if outcome == Outcome.SIS_ID_NOT_UNIQUE:
        return "Give each student their own SIS id in the SIS; it reaches the hub at the next sync."
    if outcome == Outcome.EXTERNAL_ID_LOST_ZEROS:
        return (
            f"Set ExternalID of {app} account {username!r} to {sis_id} exactly (as text, with its leading "
            "zeros), e.g. by importing the wizard's import file without opening it in a spreadsheet."
        )
    if outcome in {Outcome.LINKED_BY_NAME, Outcome.LINKED_BY_NUMBER, Outcome.LINKED_BY_DECISION}:
        return (
            f"If {app} account {username!r} is this student, set its ExternalID to {sis_id} (importing the "
            "wizard's import file does it); do not import the student as new."
        )
    if outcome in {Outcome.AMBIGUOUS_MATCH, Outcome.EXTERNAL_ID_CONFLICT}:
        which = f" ({candidates})" if candidates else ""
        return (
            f"Decide which {app} account{which} is this student's and set its ExternalID to {sis_id} (and clear "
            "it on the others); do not import the student as new."
        )
    if outcome == Outcome.NEW_ACCOUNT:
        return f"Import the student into {app} with ExternalID {sis_id} before they sign in."
    if outcome == Outcome.EXTERNAL_ID_MATCHES_NO_STUDENT:
        return (
            "Check whether the student left or is not shared with the app; otherwise correct the ExternalID."
        )
    if outcome == Outcome.UNMATCHED_EXISTING_ACCOUNT:
        return "Fill in the account's ExternalID with the student's SIS id."
    if outcome == Outcome.DUPLICATE_USERNAME:
        return f"Remove or rename the repeated account {username!r} in {app}."
    if outcome == Outcome.MISSING_USERNAME:
        return f"Give the account a username in {app}, or remove it."
    return ""
