"""The matching stages, strongest evidence first. Each fills in the outcome of the students and accounts it
settles, by position, in a `MatchState`; what a stage cannot settle one-to-one is held for a decision.

`s` and `a` are the comparison keys of the students and of the roster accounts (see keys.py), by position.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
import pandas as pd

from wizard.roster.vendor import outcomes as oc


@dataclass
class MatchState:
    """The outcome of each student and account as stages fill it in (numpy arrays, by position)."""

    n_students: int
    n_accounts: int

    def __post_init__(self) -> None:
        n, m = self.n_students, self.n_accounts
        self.s_outcome = np.full(n, "", dtype=object)
        self.s_account = np.full(n, -1, dtype=np.int64)
        self.s_candidates = np.full(n, "", dtype=object)
        self.s_note = np.full(n, "", dtype=object)
        self.s_needs = np.zeros(n, dtype=bool)
        self.a_outcome = np.full(m, "", dtype=object)
        self.a_student = np.full(m, -1, dtype=np.int64)
        self.a_candidates = np.full(m, "", dtype=object)
        self.a_note = np.full(m, "", dtype=object)
        self.a_needs = np.zeros(m, dtype=bool)
        self.a_stale = np.zeros(m, dtype=bool)
        self.held: list[pd.DataFrame] = []  # pairs (account, student) waiting for a decision

    def free_students(self) -> np.ndarray:
        return np.asarray(self.s_outcome == "")

    def free_accounts(self) -> np.ndarray:
        return np.asarray(self.a_outcome == "")

    def link(self, accounts: np.ndarray, students: np.ndarray, outcome: str, note: str) -> None:
        self.s_outcome[students] = outcome
        self.s_account[students] = accounts
        self.s_note[students] = note
        self.a_outcome[accounts] = outcome
        self.a_student[accounts] = students
        self.a_note[accounts] = note


def mark_unusable_accounts(a: pd.DataFrame, state: MatchState) -> None:
    """Rows without a username, and repeats of a username, cannot be matched (one account per username)."""
    blank = (a["user_key"] == "").to_numpy()
    state.a_outcome[blank] = oc.Outcome.MISSING_USERNAME
    state.a_note[blank] = "This roster row has no username, so it cannot be kept or updated."
    repeated = (a["user_key"].duplicated(keep="first") & ~a["user_key"].eq("")).to_numpy()
    if repeated.any():
        first_row = a.drop_duplicates("user_key").set_index("user_key")["row"]
        rows = a.loc[repeated, "user_key"].map(first_row).astype(int).astype(str).to_numpy()
        state.a_outcome[repeated] = oc.Outcome.DUPLICATE_USERNAME
        state.a_note[repeated] = (
            "Same username as roster row " + rows.astype(object) + ": only that row is used."
        )


def apply_decisions(
    decisions: Mapping[str, str], s: pd.DataFrame, a: pd.DataFrame, state: MatchState
) -> None:
    if not decisions:
        return
    student_position = pd.Series(s.index, index=s["sid"])
    usable = a[state.free_accounts()]
    account_position = pd.Series(usable.index, index=usable["user_key"])
    chosen: dict[int, str] = {}
    for sid, choice in decisions.items():
        sid, choice = str(sid).strip(), str(choice).strip()
        if not choice:
            continue
        if sid not in student_position.index:
            raise oc.DecisionError(
                f"A decision names SIS id {sid!r}, which is not in the students file.",
                "Remove that decision or check the id.",
            )
        student = int(student_position[sid])
        if choice.casefold() == oc.DECISION_NEW:
            state.s_outcome[student] = oc.Outcome.NEW_ACCOUNT
            state.s_note[student] = "You chose a new account for this student."
            continue
        if choice.casefold() not in account_position.index:
            raise oc.DecisionError(
                f"The decision for SIS id {sid} names username {choice!r}, which is not in the vendor roster.",
                "Pick one of the candidates shown in the match report.",
            )
        account = int(account_position[choice.casefold()])
        if account in chosen:
            raise oc.DecisionError(
                f"Username {choice!r} is chosen for two students ({chosen[account]} and {sid}).",
                "One account can belong to one student only: change one of the decisions.",
            )
        chosen[account] = sid
        note = "You linked this account to this student."
        previous = str(a.at[account, "raw_external_id"])
        if previous and str(a.at[account, "external_id"]) != str(s.at[student, "external_id"]):
            note += f" Its ExternalID changes from {previous} to {sid}."
        state.link(np.array([account]), np.array([student]), oc.Outcome.LINKED_BY_DECISION, note)


def match_external_ids(s: pd.DataFrame, a: pd.DataFrame, state: MatchState) -> None:
    claims = a.loc[state.free_accounts() & (a["external_id"] != "").to_numpy(), ["external_id"]]
    if claims.empty:
        return
    # Ids that differ only in case count as one; the first student keeps it.
    all_ids = pd.Series(s.index, index=s["external_id"]).groupby(level=0).first()
    claims = claims.assign(account=claims.index, student=claims["external_id"].map(all_ids))
    stale = claims["student"].isna()
    state.a_stale[claims.loc[stale, "account"].to_numpy()] = True
    claims = claims[~stale].astype({"student": "int64"})
    taken = ~state.free_students()[claims["student"].to_numpy()]
    _note_claims_on_taken_students(claims[taken], s, a, state)
    claims = claims[~taken]
    claimants = claims.groupby("student")["account"].transform("size")
    single = claims[claimants == 1]
    state.link(
        single["account"].to_numpy(),
        single["student"].to_numpy(),
        oc.Outcome.LINKED_BY_EXTERNAL_ID,
        "The account's ExternalID is this student's SIS id.",
    )
    contested = claims[claimants > 1]
    if not contested.empty:
        _hold(
            contested,
            s,
            a,
            state,
            oc.Outcome.EXTERNAL_ID_CONFLICT,
            account_note="Several accounts have this student's SIS id as ExternalID; pick the one to keep.",
            student_note="Several accounts claim this student's SIS id; pick the one to keep.",
        )


def match_external_ids_that_lost_zeros(s: pd.DataFrame, a: pd.DataFrame, state: MatchState) -> None:
    """ExternalIDs a spreadsheet stripped of leading zeros ("123" for "00123"): linked when the match is
    one-to-one and the names, where the roster has them, agree; held for a decision when the names differ."""
    stale = a.loc[state.a_stale & state.free_accounts(), ["external_id", "name"]]
    if stale.empty:
        return
    free = s.loc[state.free_students(), ["external_id", "name"]]
    pairs = (
        stale.assign(key=stale["external_id"].str.lstrip("0"))
        .reset_index(names="account")
        .merge(free.assign(key=free["external_id"].str.lstrip("0")).reset_index(names="student"), on="key")
    )
    pairs = pairs[(pairs["key"] != "") & _one_to_one(pairs)]
    names_differ = (pairs["name_x"] != "") & (pairs["name_x"] != pairs["name_y"])
    if names_differ.any():
        _hold(
            pairs[names_differ],
            s,
            a,
            state,
            oc.Outcome.EXTERNAL_ID_CONFLICT,
            account_note="Its ExternalID is this student's SIS id without the leading zeros, but the names "
            "differ: confirm the link or give the student a new account.",
            student_note="An account's ExternalID is this SIS id without the leading zeros, but the names "
            "differ: confirm the link or choose a new account.",
        )
    pairs = pairs[~names_differ]
    if pairs.empty:
        return
    accounts, students = pairs["account"].to_numpy(), pairs["student"].to_numpy()
    state.link(accounts, students, oc.Outcome.EXTERNAL_ID_LOST_ZEROS, "")
    state.a_stale[accounts] = False
    note = (
        "Its ExternalID "
        + a["raw_external_id"].to_numpy()[accounts].astype(object)
        + " had lost its leading zeros; it becomes "
        + s["sid"].to_numpy()[students].astype(object)
        + "."
    )
    state.a_note[accounts] = note
    state.s_note[students] = note


def _note_claims_on_taken_students(
    claims: pd.DataFrame, s: pd.DataFrame, a: pd.DataFrame, state: MatchState
) -> None:
    """An account whose ExternalID names a student you linked to another account stays unlinked."""
    if claims.empty:
        return
    accounts, students = claims["account"].to_numpy(), claims["student"].to_numpy()
    owner = a["username"].to_numpy()[state.s_account[students]]
    state.a_outcome[accounts] = oc.Outcome.EXTERNAL_ID_CONFLICT
    state.a_candidates[accounts] = s["label"].to_numpy()[students]
    state.a_note[accounts] = (
        "Its ExternalID names a student you linked to account "
        + owner.astype(object)
        + "; it stays unlinked."
    )


def pairs_on(s: pd.DataFrame, a: pd.DataFrame, state: MatchState, key: str) -> pd.DataFrame:
    free_a = a.loc[state.free_accounts() & (a[key] != "").to_numpy(), [key]]
    free_s = s.loc[state.free_students() & (s[key] != "").to_numpy(), [key]]
    return free_a.reset_index(names="account").merge(free_s.reset_index(names="student"), on=key)


def _one_to_one(pairs: pd.DataFrame) -> pd.Series:
    per_account = pairs.groupby("account")["student"].transform("size")
    per_student = pairs.groupby("student")["account"].transform("size")
    return (per_account == 1) & (per_student == 1)


def _tie_breakers(pairs: pd.DataFrame, s: pd.DataFrame, a: pd.DataFrame) -> pd.DataFrame:
    """Which pairs agree on grade, school or birth date, and which contradict on any of them."""
    sp = s.loc[pairs["student"]].reset_index(drop=True)
    ap = a.loc[pairs["account"]].reset_index(drop=True)
    grade_both = (ap["grade"] != "") & (sp["grade"] != "")
    grade_same = ap["grade"] == sp["grade"]
    school_both = (ap["school"] != "") & ((sp["school_id"] != "") | (sp["school_name"] != ""))
    school_same = (ap["school"] == sp["school_id"]) | (ap["school"] == sp["school_name"])
    dob_both = (ap["dob"] != "") & (sp["dob"] != "")
    dob_same = ap["dob"] == sp["dob"]
    contradicts = (grade_both & ~grade_same) | (school_both & ~school_same) | (dob_both & ~dob_same)
    supports = (grade_both & grade_same) | (school_both & school_same) | (dob_both & dob_same)
    return pd.DataFrame({"fits": (supports & ~contradicts).to_numpy()}, index=pairs.index)


def resolve_pairs(
    pairs: pd.DataFrame,
    s: pd.DataFrame,
    a: pd.DataFrame,
    state: MatchState,
    outcome: str,
    reason: str,
    tie_break: bool,
) -> None:
    if pairs.empty:
        return
    links = pairs[_one_to_one(pairs)]
    rest = pairs.drop(links.index)
    if tie_break and not rest.empty:
        fitting = rest[_tie_breakers(rest, s, a)["fits"].to_numpy()]
        broken = fitting[_one_to_one(fitting)]
        links = pd.concat([links, broken])
        rest = rest.drop(broken.index)
    _link_or_hold_stale(links, s, a, state, outcome, reason)
    linked_accounts, linked_students = set(links["account"]), set(links["student"])
    rest = rest[~rest["account"].isin(linked_accounts) & ~rest["student"].isin(linked_students)]
    if not rest.empty:
        what = "grade, school or birth date" if tie_break else "anything else"
        _hold(
            rest,
            s,
            a,
            state,
            oc.Outcome.AMBIGUOUS_MATCH,
            account_note=f"More than one student has the {reason.removeprefix('the same ')} of this account "
            f"and {what} does not tell them apart; pick the right one.",
            student_note=f"More than one account could be this student ({reason}); pick the right one.",
        )


def _link_or_hold_stale(
    links: pd.DataFrame, s: pd.DataFrame, a: pd.DataFrame, state: MatchState, outcome: str, reason: str
) -> None:
    """Link; but an account whose ExternalID names a SIS id that no longer exists is only proposed."""
    stale = state.a_stale[links["account"].to_numpy()]
    fresh = links[~stale]
    state.link(
        fresh["account"].to_numpy(),
        fresh["student"].to_numpy(),
        outcome,
        f"Matched by {reason}; the account gets this student's SIS id as ExternalID.",
    )
    if stale.any():
        _hold(
            links[stale],
            s,
            a,
            state,
            oc.Outcome.EXTERNAL_ID_CONFLICT,
            account_note=f"Its ExternalID is no current SIS id, but it matches this student by {reason}: "
            "confirm the link (the SIS id may have changed) or give the student a new account.",
            student_note=f"An account with an outdated ExternalID matches this student by {reason}: "
            "confirm it or choose a new account.",
        )


def _hold(
    pairs: pd.DataFrame,
    s: pd.DataFrame,
    a: pd.DataFrame,
    state: MatchState,
    outcome: str,
    account_note: str,
    student_note: str,
) -> None:
    """Mark both sides of undecidable pairs as needing a decision, each listing the other side."""
    state.held.append(pairs[["account", "student"]])
    labelled = pairs.assign(
        student_label=s["label"].to_numpy()[pairs["student"].to_numpy()],
        account_label=(
            a["username"].to_numpy()[pairs["account"].to_numpy()].astype(object)
            + " (row "
            + a["row"].to_numpy()[pairs["account"].to_numpy()].astype(str).astype(object)
            + ")"
        ),
    )
    per_account = labelled.groupby("account")["student_label"].agg("; ".join)
    per_student = labelled.groupby("student")["account_label"].agg("; ".join)
    accounts, students = per_account.index.to_numpy(), per_student.index.to_numpy()
    state.a_outcome[accounts] = outcome
    state.a_candidates[accounts] = per_account.to_numpy()
    state.a_note[accounts] = account_note
    state.a_needs[accounts] = True
    state.s_outcome[students] = outcome
    state.s_candidates[students] = per_student.to_numpy()
    state.s_note[students] = student_note
    state.s_needs[students] = True


def finish_unmatched(state: MatchState, a: pd.DataFrame, left_out_keys: pd.Series) -> None:
    """New accounts for the students still free; the accounts still free stay unlinked, each saying why.

    `left_out_keys` are the id keys of SIS students in the export but left out for errors (and perhaps absent
    from the students table): an account pointing at one is not a leaver, it waits for those errors' fix.
    """
    new = state.free_students()
    state.s_outcome[new] = oc.Outcome.NEW_ACCOUNT
    state.s_note[new] = "No existing account matches: a new account is created."
    free = state.free_accounts()
    stale = free & state.a_stale
    excluded = stale & a["external_id"].isin(left_out_keys).to_numpy(dtype=bool)
    state.a_outcome[stale] = oc.Outcome.EXTERNAL_ID_MATCHES_NO_STUDENT
    state.a_note[excluded] = (
        "Its ExternalID is a student who is in the SIS export but left out because of errors in the students "
        "file (see validation_report.csv). Fix those errors and prepare again to link this account; until then "
        "it stays in the vendor's system, unlinked."
    )
    state.a_note[stale & ~excluded] = (
        "Its ExternalID is no longer in the SIS export and no student matches it: the student has probably "
        "left. The account stays in the vendor's system, unlinked."
    )
    plain = free & ~state.a_stale
    state.a_outcome[plain] = oc.Outcome.UNMATCHED_EXISTING_ACCOUNT
    names = a["name"]
    shared_name = (names.duplicated(keep=False) & (names != "")).to_numpy(dtype=bool)
    state.a_note[plain & shared_name] = (
        "No SIS student matches this account, and another account in the roster has the same name: it may be "
        "a duplicate account. It stays in the vendor's system, unlinked; remove it there if it is."
    )
    state.a_note[plain & ~shared_name] = (
        "No SIS student matches this account: the student has probably left. It stays in the vendor's system, "
        "unlinked."
    )
