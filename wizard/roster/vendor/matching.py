"""Matching a vendor's existing roster export to the district's SIS students.

Order of evidence, strongest first: the admin's explicit decisions; the account's ExternalID equal to a SIS
id; the same student number or state id; the same normalised first + last name, where grade, school and birth
date only break ties between people of the same name. Every stage is an exact-key pandas merge; a link is
made only when it is one-to-one, everything else is held for a decision and never guessed.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from wizard.roster.vendor import outcomes as oc
from wizard.roster.vendor.checks import check_match
from wizard.roster.vendor.normalise import hub_grade, id_key, iso_date, name_key, number_key, text
from wizard.roster.vendor.profiles import VendorProfile
from wizard.roster.vendor.usernames import generate_usernames
from wizard.tasks import CancelToken, ProgressCallback, no_progress

STUDENT_COLUMNS = ("Student_id", "First_name", "Last_name")


@dataclass(frozen=True)
class MatchCounts:
    """What an admin cares about: linked accounts, new accounts, open decisions, accounts left unlinked."""

    linked: int
    new: int
    needs_decision: int
    would_unlink: int


@dataclass
class MatchResult:
    profile: VendorProfile
    sis: pd.DataFrame  # hub students, one row per Student_id, index 0..n-1
    schools: pd.DataFrame | None
    roster: pd.DataFrame  # the vendor export as read, index 0..m-1 (spreadsheet row = index + 2)
    students: pd.DataFrame  # per SIS student, aligned with `sis`
    accounts: pd.DataFrame  # per roster row, aligned with `roster`
    issues: list[oc.VendorIssue] = field(default_factory=list)
    roster_name: str = "vendor roster"
    held: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(columns=["Student_id", "username"]))
    # ^ the undecided pairs: each student waiting for a decision with each account it could be

    def choices_for_student(self, student_id: str) -> list[str]:
        """What the admin may decide for a student waiting for a decision: a candidate username, or "new"."""
        usernames = self.held.loc[self.held["Student_id"] == student_id, "username"]
        return [*dict.fromkeys(str(name) for name in usernames), oc.DECISION_NEW]

    def choices_for_account(self, username: str) -> list[str]:
        """The SIS ids an account waiting for a decision could belong to (decide as {sis_id: username})."""
        ids = self.held.loc[self.held["username"] == username, "Student_id"]
        return list(dict.fromkeys(str(sid) for sid in ids))

    @property
    def counts(self) -> MatchCounts:
        students, accounts = self.students, self.accounts
        return MatchCounts(
            linked=int(students["outcome"].isin(oc.LINKED_OUTCOMES).sum()),
            new=int((students["outcome"] == oc.NEW_ACCOUNT).sum()),
            needs_decision=int(students["needs_decision"].sum() + accounts["needs_decision"].sum()),
            would_unlink=int(((accounts["student"] < 0) & ~accounts["needs_decision"]).sum()),
        )

    def outcome_counts(self) -> dict[str, int]:
        """Report rows per outcome (a linked account and its student are one row)."""
        from wizard.roster.vendor.report import build_report

        counts = build_report(self)["outcome"].value_counts()
        return {outcome: int(counts.get(outcome, 0)) for outcome in oc.ALL_OUTCOMES}


@dataclass
class _State:
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


def match_roster(
    students: pd.DataFrame,
    schools: pd.DataFrame | None,
    roster: pd.DataFrame | None,
    profile: VendorProfile,
    decisions: Mapping[str, str] | None = None,
    *,
    roster_name: str = "vendor roster",
    progress: ProgressCallback = no_progress,
    cancel: CancelToken | None = None,
) -> MatchResult:
    """Match every SIS student (hub students.csv columns) to the vendor roster export, if there is one.

    `decisions` maps a SIS Student_id to the roster username to link it to, or to "new" for a new account;
    they are applied before any automatic matching.
    """
    cancel = cancel or CancelToken()
    issues: list[oc.VendorIssue] = []
    sis = _unique_students(students, issues)
    roster_frame = roster.reset_index(drop=True) if roster is not None else pd.DataFrame()
    s = _student_keys(sis, schools, profile)
    a = _account_keys(roster_frame, profile, roster_name)
    state = _State(len(s), len(a))
    steps = 6
    progress(0, steps, "Reading the roster")
    _mark_unusable_accounts(a, state)
    _apply_decisions(decisions or {}, s, a, state)
    progress(1, steps, "Matching by ExternalID")
    cancel.raise_if_cancelled()
    _match_external_ids(s, a, state)
    _match_external_ids_that_lost_zeros(s, a, state)
    progress(2, steps, "Matching by student number")
    cancel.raise_if_cancelled()
    for key, label in (("number", "student number"), ("state_id", "state id")):
        pairs = _pairs_on(s, a, state, key)
        _resolve_pairs(pairs, s, a, state, oc.LINKED_BY_NUMBER, f"same {label}", tie_break=False)
    progress(3, steps, "Matching by name")
    cancel.raise_if_cancelled()
    _resolve_pairs(_pairs_on(s, a, state, "name"), s, a, state, oc.LINKED_BY_NAME, "same name", True)
    progress(4, steps, "Choosing usernames for new accounts")
    cancel.raise_if_cancelled()
    _finish_unmatched(state)
    students_out = _student_table(sis, s, a, state, profile)
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
    )
    issues.extend(check_match(result))
    progress(steps, steps, "Done")
    return result


# --- preparing keys ----------------------------------------------------------------------------------


def _unique_students(students: pd.DataFrame, issues: list[oc.VendorIssue]) -> pd.DataFrame:
    missing = [column for column in STUDENT_COLUMNS if column not in students.columns]
    if missing:
        raise oc.RosterFileError(
            f"The students table has no {', '.join(missing)} column.",
            "Give the hub's students.csv, or map these columns when preparing the roster.",
        )
    frame = students.reset_index(drop=True)
    ids = text(frame["Student_id"])
    repeated = ids.duplicated(keep="first") | (ids == "")
    for row in frame.index[repeated][:50]:
        issues.append(
            oc.VendorIssue(
                "warning",
                "student_id_not_unique" if ids[row] else "student_id_missing",
                "students.csv",
                int(row) + 2,
                "Student_id",
                str(ids[row]),
                "This student is left out of the vendor import: its SIS id is empty or repeats an earlier row.",
            )
        )
    return frame[~repeated].reset_index(drop=True)


def school_names(sis: pd.DataFrame, schools: pd.DataFrame | None) -> pd.Series:
    if schools is None or "School_id" not in sis or not {"School_id", "School_name"} <= set(schools.columns):
        return pd.Series("", index=sis.index, dtype="string")
    names = schools.assign(_id=text(schools["School_id"])).drop_duplicates("_id").set_index("_id")
    return text(text(sis["School_id"]).map(names["School_name"]))


def _optional(frame: pd.DataFrame, column: str | None) -> pd.Series:
    if column is None or column not in frame.columns:
        return pd.Series("", index=frame.index, dtype="string")
    return text(frame[column])


def _full_name_key(first: pd.Series, last: pd.Series) -> pd.Series:
    first_key, last_key = name_key(first), name_key(last)
    return (first_key + "|" + last_key).where((first_key != "") & (last_key != ""), "")


def _student_keys(sis: pd.DataFrame, schools: pd.DataFrame | None, profile: VendorProfile) -> pd.DataFrame:
    school_name = school_names(sis, schools)
    return pd.DataFrame(
        {
            "sid": text(sis["Student_id"]),
            "external_id": id_key(sis["Student_id"]),
            "number": number_key(_optional(sis, "Student_number")),
            "state_id": number_key(_optional(sis, "State_id")),
            "name": _full_name_key(sis["First_name"], sis["Last_name"]),
            "grade": hub_grade(_optional(sis, "Grade"), profile.grades),
            "school_id": name_key(_optional(sis, "School_id")),
            "school_name": name_key(school_name),
            "dob": iso_date(_optional(sis, "DOB")),
            "label": _student_label(sis, school_name),
        }
    )


def _student_label(sis: pd.DataFrame, school_name: pd.Series) -> pd.Series:
    """How a candidate student is shown: "12345 (Ana Díaz, grade 3, Lincoln Elementary)"."""
    grade = _optional(sis, "Grade")
    school = school_name.where(school_name != "", _optional(sis, "School_id"))
    details = (text(sis["First_name"]) + " " + text(sis["Last_name"])).str.strip()
    details = details + (", grade " + grade).where(grade != "", "")
    details = details + (", " + school).where(school != "", "")
    return text(sis["Student_id"]) + " (" + details + ")"


def resolve_roster_columns(roster: pd.DataFrame, profile: VendorProfile) -> dict[str, str]:
    """role -> actual header in `roster`, matching the profile's headers ignoring case, spaces, underscores."""

    def squash(header: str) -> str:
        return "".join(ch for ch in header.casefold() if ch.isalnum() or ch == "#")

    actual = {squash(str(column)): str(column) for column in roster.columns}
    return {role: actual[squash(h)] for role, h in profile.roster.items() if squash(h) in actual}


def _account_keys(roster: pd.DataFrame, profile: VendorProfile, roster_name: str) -> pd.DataFrame:
    if len(roster.columns) == 0:  # no roster at all: every student is new
        roster = pd.DataFrame({header: pd.Series([], dtype="string") for header in profile.roster.values()})
    columns = resolve_roster_columns(roster, profile)
    if "username" not in columns:
        raise oc.RosterFileError(
            f"The {roster_name} file has no {profile.roster['username']!r} column.",
            f"Give the roster exported from {profile.title}, with its header row.",
        )

    def role(name: str) -> pd.Series:
        return _optional(roster, columns.get(name))

    username = role("username")
    return pd.DataFrame(
        {
            "row": roster.index.to_numpy() + 2,
            "username": username,
            "user_key": username.str.casefold(),
            "external_id": id_key(role("external_id")),
            "raw_external_id": role("external_id"),
            "number": number_key(role("student_number")),
            "state_id": number_key(role("state_id")),
            "name": _full_name_key(role("first_name"), role("last_name")),
            "first": role("first_name"),
            "last": role("last_name"),
            "grade": hub_grade(role("grade"), profile.grades),
            "school": name_key(role("school")),
            "dob": iso_date(role("birth_date")),
            "password": role("password"),
        }
    )


# --- stages ------------------------------------------------------------------------------------------


def _mark_unusable_accounts(a: pd.DataFrame, state: _State) -> None:
    """Rows without a username, and repeats of a username, cannot be matched (one account per username)."""
    blank = (a["user_key"] == "").to_numpy()
    state.a_outcome[blank] = oc.MISSING_USERNAME
    state.a_note[blank] = "This roster row has no username, so it cannot be kept or updated."
    repeated = (a["user_key"].duplicated(keep="first") & ~a["user_key"].eq("")).to_numpy()
    if repeated.any():
        first_row = a.drop_duplicates("user_key").set_index("user_key")["row"]
        rows = a.loc[repeated, "user_key"].map(first_row).astype(int).astype(str).to_numpy()
        state.a_outcome[repeated] = oc.DUPLICATE_USERNAME
        state.a_note[repeated] = (
            "Same username as roster row " + rows.astype(object) + ": only that row is used."
        )


def _apply_decisions(decisions: Mapping[str, str], s: pd.DataFrame, a: pd.DataFrame, state: _State) -> None:
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
            state.s_outcome[student] = oc.NEW_ACCOUNT
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
        state.link(np.array([account]), np.array([student]), oc.LINKED_BY_DECISION, note)


def _match_external_ids(s: pd.DataFrame, a: pd.DataFrame, state: _State) -> None:
    claims = a.loc[state.free_accounts() & (a["external_id"] != "").to_numpy(), ["external_id"]]
    if claims.empty:
        return
    all_ids = pd.Series(s.index, index=s["external_id"])
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
        oc.LINKED_BY_EXTERNAL_ID,
        "The account's ExternalID is this student's SIS id.",
    )
    contested = claims[claimants > 1]
    if not contested.empty:
        _hold(
            contested,
            s,
            a,
            state,
            oc.EXTERNAL_ID_CONFLICT,
            account_note="Several accounts have this student's SIS id as ExternalID; pick the one to keep.",
            student_note="Several accounts claim this student's SIS id; pick the one to keep.",
        )


def _match_external_ids_that_lost_zeros(s: pd.DataFrame, a: pd.DataFrame, state: _State) -> None:
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
            oc.EXTERNAL_ID_CONFLICT,
            account_note="Its ExternalID is this student's SIS id without the leading zeros, but the names "
            "differ: confirm the link or give the student a new account.",
            student_note="An account's ExternalID is this SIS id without the leading zeros, but the names "
            "differ: confirm the link or choose a new account.",
        )
    pairs = pairs[~names_differ]
    if pairs.empty:
        return
    accounts, students = pairs["account"].to_numpy(), pairs["student"].to_numpy()
    state.link(accounts, students, oc.LINKED_BY_EXTERNAL_ID, "")
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
    claims: pd.DataFrame, s: pd.DataFrame, a: pd.DataFrame, state: _State
) -> None:
    """An account whose ExternalID names a student you linked to another account stays unlinked."""
    if claims.empty:
        return
    accounts, students = claims["account"].to_numpy(), claims["student"].to_numpy()
    owner = a["username"].to_numpy()[state.s_account[students]]
    state.a_outcome[accounts] = oc.EXTERNAL_ID_CONFLICT
    state.a_candidates[accounts] = s["label"].to_numpy()[students]
    state.a_note[accounts] = (
        "Its ExternalID names a student you linked to account "
        + owner.astype(object)
        + "; it stays unlinked."
    )


def _pairs_on(s: pd.DataFrame, a: pd.DataFrame, state: _State, key: str) -> pd.DataFrame:
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


def _resolve_pairs(
    pairs: pd.DataFrame,
    s: pd.DataFrame,
    a: pd.DataFrame,
    state: _State,
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
            oc.AMBIGUOUS_MATCH,
            account_note=f"More than one student has the {reason.removeprefix('same ')} of this account "
            f"and {what} does not tell them apart; pick the right one.",
            student_note=f"More than one account could be this student ({reason}); pick the right one.",
        )


def _link_or_hold_stale(
    links: pd.DataFrame, s: pd.DataFrame, a: pd.DataFrame, state: _State, outcome: str, reason: str
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
            oc.EXTERNAL_ID_CONFLICT,
            account_note=f"Its ExternalID is no current SIS id, but it matches this student by {reason}: "
            "confirm the link (the SIS id may have changed) or give the student a new account.",
            student_note=f"An account with an outdated ExternalID matches this student by {reason}: "
            "confirm it or choose a new account.",
        )


def _hold(
    pairs: pd.DataFrame,
    s: pd.DataFrame,
    a: pd.DataFrame,
    state: _State,
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


def _finish_unmatched(state: _State) -> None:
    new = state.free_students()
    state.s_outcome[new] = oc.NEW_ACCOUNT
    state.s_note[new] = "No existing account matches: a new account is created."
    free = state.free_accounts()
    stale = free & state.a_stale
    state.a_outcome[stale] = oc.EXTERNAL_ID_CONFLICT
    state.a_note[stale] = (
        "Its ExternalID is not a current SIS id and no student matches it: the student probably left. "
        "The account stays in the vendor's system, unlinked."
    )
    plain = free & ~state.a_stale
    state.a_outcome[plain] = oc.UNMATCHED_EXISTING_ACCOUNT
    state.a_note[plain] = (
        "No SIS student matches this account: the student probably left. It stays in the vendor's system, "
        "unlinked."
    )


# --- results -----------------------------------------------------------------------------------------


def _student_table(
    sis: pd.DataFrame, s: pd.DataFrame, a: pd.DataFrame, state: _State, profile: VendorProfile
) -> pd.DataFrame:
    account = state.s_account
    existing = np.where(account >= 0, a["username"].to_numpy()[np.maximum(account, 0)] if len(a) else "", "")
    usernames = pd.Series(existing, index=sis.index, dtype="string")
    new = state.s_outcome == oc.NEW_ACCOUNT
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


def _held_table(state: _State, s: pd.DataFrame, a: pd.DataFrame) -> pd.DataFrame:
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


def _account_table(a: pd.DataFrame, s: pd.DataFrame, state: _State) -> pd.DataFrame:
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
