"""Matching a vendor's existing roster export to the district's SIS students: the entry point and results.

Order of evidence, strongest first: the admin's explicit decisions; the account's ExternalID equal to a SIS
id; the same student number or state id; the same normalised first + last name, where grade, school and birth
date only break ties between people of the same name. Every stage is an exact-key pandas merge; a link is
made only when it is one-to-one, everything else is held for a decision and never guessed.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping

import numpy as np
import pandas as pd

from wizard.roster.vendor import outcomes as oc
from wizard.roster.vendor.checks import check_match
from wizard.roster.vendor.keys import account_keys, student_keys, unique_students
from wizard.roster.vendor.normalise import id_key
from wizard.roster.vendor.profiles import VendorProfile
from wizard.roster.vendor.result import MatchCounts as MatchCounts  # re-exported for older imports
from wizard.roster.vendor.result import MatchResult as MatchResult
from wizard.roster.vendor.stages import (
    MatchState,
    apply_decisions,
    finish_unmatched,
    mark_unusable_accounts,
    match_external_ids,
    match_external_ids_that_lost_zeros,
    pairs_on,
    resolve_pairs,
)
from wizard.roster.vendor.usernames import generate_usernames
from wizard.tasks import CancelToken, ProgressCallback, no_progress


def match_roster(
    students: pd.DataFrame,
    schools: pd.DataFrame | None,
    roster: pd.DataFrame | None,
    profile: VendorProfile,
    decisions: Mapping[str, str] | None = None,
    *,
    roster_name: str = "vendor roster",
    left_out: Collection[str] = (),
    progress: ProgressCallback = no_progress,
    cancel: CancelToken | None = None,
) -> MatchResult:
    """Match every SIS student (hub students.csv columns) to the vendor roster export, if there is one.

    `decisions` maps a SIS Student_id to the roster username to link it to, or to "new" for a new account;
    they are applied before any automatic matching. `left_out` are SIS ids whose rows have errors: they are
    matched (so their accounts are not taken for leavers) but kept out of the import file; an account naming
    one that is not in `students` at all (a students.csv written without its rows with errors) is reported
    as waiting for those errors to be fixed, not as a leaver.
    """
    cancel = cancel or CancelToken()
    issues: list[oc.VendorIssue] = []
    kept, dropped = unique_students(students, issues)
    sis = kept.reset_index(drop=True)
    roster_frame = roster.reset_index(drop=True) if roster is not None else pd.DataFrame()
    s = student_keys(sis, schools, profile)
    a = account_keys(roster_frame, profile, roster_name)
    state = MatchState(len(s), len(a))
    steps = 6
    progress(0, steps, "Reading the roster")
    mark_unusable_accounts(a, state)
    apply_decisions(decisions or {}, s, a, state)
    progress(1, steps, "Matching by ExternalID")
    cancel.raise_if_cancelled()
    match_external_ids(s, a, state)
    match_external_ids_that_lost_zeros(s, a, state)
    progress(2, steps, "Matching by student number")
    cancel.raise_if_cancelled()
    for key, label in (("number", "student number"), ("state_id", "state id")):
        pairs = pairs_on(s, a, state, key)
        resolve_pairs(pairs, s, a, state, oc.Outcome.LINKED_BY_NUMBER, f"the same {label}", tie_break=False)
    progress(3, steps, "Matching by name")
    cancel.raise_if_cancelled()
    resolve_pairs(
        pairs_on(s, a, state, "name"), s, a, state, oc.Outcome.LINKED_BY_NAME, "the same name", True
    )
    progress(4, steps, "Choosing usernames for new accounts")
    cancel.raise_if_cancelled()
    finish_unmatched(state, a, id_key(pd.Series(list(left_out), dtype="string")))
    students_out = _student_table(sis, s, a, state, profile)
    students_out["left_out"] = students_out["Student_id"].isin(list(left_out)).to_numpy(dtype=bool)
    students_out["input_row"] = kept.index.to_numpy(dtype="int64")
    accounts_out = _account_table(a, s, state)
    progress(5, steps, "Checking the import data")
    result = MatchResult(
        profile,
        sis,
        schools,
        roster_frame,
        students_out,
        accounts_out,
        issues,
        roster_name=roster_name,
        held=_held_table(state, s, a),
        dropped=dropped,
    )
    issues.extend(check_match(result))
    progress(steps, steps, "Done")
    return result


# --- results -----------------------------------------------------------------------------------------


def _student_table(
    sis: pd.DataFrame, s: pd.DataFrame, a: pd.DataFrame, state: MatchState, profile: VendorProfile
) -> pd.DataFrame:
    account = state.s_account
    existing = np.where(account >= 0, a["username"].to_numpy()[np.maximum(account, 0)] if len(a) else "", "")
    usernames = pd.Series(existing, index=sis.index, dtype="string")
    new = state.s_outcome == oc.Outcome.NEW_ACCOUNT
    if new.any():
        generated = generate_usernames(sis[new], profile.username, a["username"])
        usernames[new] = generated
    return pd.DataFrame(
        {
            "Student_id": s["sid"],
            "outcome": state.s_outcome,
            "account": account,
            "username": usernames,
            "candidates": state.s_candidates,
            "note": state.s_note,
            "needs_decision": state.s_needs,
        },
        index=sis.index,
    )


def _held_table(state: MatchState, s: pd.DataFrame, a: pd.DataFrame) -> pd.DataFrame:
    if not state.held:
        return pd.DataFrame(
            {"Student_id": pd.Series([], dtype="string"), "username": pd.Series([], dtype="string")}
        )
    pairs = pd.concat(state.held, ignore_index=True)
    return pd.DataFrame(
        {
            "Student_id": s["sid"].to_numpy()[pairs["student"].to_numpy()],
            "username": a["username"].to_numpy()[pairs["account"].to_numpy()],
        }
    ).astype("string")


def _account_table(a: pd.DataFrame, s: pd.DataFrame, state: MatchState) -> pd.DataFrame:
    student = state.a_student
    linked_id = np.where(student >= 0, s["sid"].to_numpy()[np.maximum(student, 0)] if len(s) else "", "")
    return pd.DataFrame(
        {
            "roster_row": a["row"].to_numpy(dtype=np.int64),
            "username": a["username"].to_numpy(),
            "external_id": a["raw_external_id"].to_numpy(),
            "first_name": a["first"].to_numpy(),
            "last_name": a["last"].to_numpy(),
            "outcome": state.a_outcome,
            "student": student,
            "Student_id": linked_id,
            "candidates": state.a_candidates,
            "note": state.a_note,
            "needs_decision": state.a_needs,
            "password": a["password"].to_numpy(),
        },
        index=a.index,
    )
