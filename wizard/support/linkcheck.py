"""The login-link check: will each shared student land in their existing account in the vendor's app?

A hub login reaches a vendor account through the account's ExternalID, which must equal the student's SIS id.
Which account is a student's is decided by the one matching engine (`wizard.roster.vendor.match_roster`),
the same that builds the vendor import file, so the import, this check, its `--lookup` and the wizard's
Instant Login check give one answer per student, in one vocabulary (`Outcome`). Only an account whose
ExternalID already is the SIS id links today; for every other student the check says why not and what to do.
"""

from __future__ import annotations

import functools
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path

import numpy as np
import pandas as pd

from wizard.errors import UserFacingError
from wizard.hub.dataapi import DataUser
from wizard.hub.models import RosterUser
from wizard.roster.readers import read_table
from wizard.roster.vendor.keys import resolve_roster_columns
from wizard.roster.vendor.matching import match_roster
from wizard.roster.vendor.normalise import text
from wizard.roster.vendor.outcomes import Outcome
from wizard.roster.vendor.profiles import VendorProfile, load_profile
from wizard.roster.vendor.result import MatchResult
from wizard.support.health import DISTRICT, VENDOR
from wizard.support.reading import DistrictSnapshot
from wizard.tasks import CancelToken, ProgressCallback, no_progress

DEFAULT_PROFILE = "symphony-math"

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
CSV_COLUMNS = (
    "school",
    "record",
    "outcome",
    "will_link",
    "reason",
    "who_must_act",
    "what_to_do",
    "hub_id",
    "sis_id",
    "first_name",
    "last_name",
    "grade",
    "vendor_username",
    "vendor_external_id",
    "vendor_roster_row",
)


class VendorRosterError(UserFacingError):
    """The vendor roster export cannot be used for the check."""


class RosterSource(StrEnum):
    """Which roster a check compared the students with."""

    VENDOR_EXPORT = "vendor_export"  # the vendor's own roster export: the accounts they really have
    WIZARD_IMPORT = (
        "wizard_import_file"  # the import file this wizard wrote: what they will have once imported
    )


@dataclass(frozen=True)
class VendorAccount:
    row: int  # spreadsheet row (header = 1)
    username: str
    external_id: str
    first_name: str
    last_name: str
    grade: str
    school: str


@dataclass(frozen=True)
class VendorRoster:
    path: Path
    app_title: str
    frame: pd.DataFrame = field(repr=False, compare=False)  # as read, index 0..n-1
    profile: VendorProfile = field(repr=False, compare=False)
    source: RosterSource = RosterSource.VENDOR_EXPORT

    @functools.cached_property
    def accounts(self) -> tuple[VendorAccount, ...]:
        """The roster's rows as accounts, by position."""
        columns = resolve_roster_columns(self.frame, self.profile)
        parts = [
            _texts(text(self.frame[columns[role]]) if role in columns else _blank(len(self.frame)))
            for role in ("username", "external_id", "first_name", "last_name", "grade", "school")
        ]
        rows = range(2, len(self.frame) + 2)
        return tuple(VendorAccount(row, *values) for row, *values in zip(rows, *parts, strict=True))

    def describe(self) -> str:
        """Which roster this is, in words for a person."""
        if self.source == RosterSource.WIZARD_IMPORT:
            return (
                f"the import file this wizard wrote ({self.path.name}), not {self.app_title}'s own roster: it "
                f"shows what {self.app_title} will have once they import it"
            )
        return f"{self.app_title}'s roster export {self.path.name}"


@dataclass(frozen=True)
class StudentLink:
    student: DataUser
    school: str
    outcome: Outcome
    account: VendorAccount | None  # the account that is theirs (linked or not yet), or None
    candidates: tuple[str, ...] = ()  # usernames that could be theirs, when the engine cannot decide

    @property
    def linked(self) -> bool:
        return self.outcome == Outcome.LINKED_BY_EXTERNAL_ID

    def fix(self, app: str, shown: Callable[[str], str] = str) -> str:
        """What to do about this student (what_to_do), every id and username passed through `shown`."""
        return what_to_do(
            self.outcome,
            shown(self.student.sis_id or ""),
            shown(self.account.username) if self.account else "",
            app,
            ", ".join(shown(name) for name in self.candidates),
        )


@dataclass(frozen=True)
class AccountLink:
    account: VendorAccount
    outcome: Outcome
    school: str  # the account's school in the vendor's roster ("" when it has none)


@dataclass
class SchoolLinks:
    school: str
    shared: int = 0
    linked: int = 0
    not_linked: Counter[Outcome] = field(default_factory=Counter)
    unclaimed_accounts: int = 0
    not_linked_students: list[StudentLink] = field(default_factory=list)  # by name
    unclaimed: list[AccountLink] = field(default_factory=list)

    @property
    def not_linked_total(self) -> int:
        return sum(self.not_linked.values())


@dataclass(frozen=True)
class LinkCheck:
    app_title: str
    roster_path: Path
    students: tuple[StudentLink, ...]
    accounts: tuple[AccountLink, ...]  # accounts no shared student takes
    schools: tuple[SchoolLinks, ...]  # schools with shared students or unclaimed accounts, never a blank one
    roster_source: RosterSource = RosterSource.VENDOR_EXPORT

    @property
    def linked(self) -> int:
        return sum(school.linked for school in self.schools)

    @property
    def not_linked(self) -> int:
        return len(self.students) - self.linked

    @property
    def accounts_without_school(self) -> tuple[AccountLink, ...]:
        """Unclaimed accounts the vendor's roster gives no school: counted in the totals, in no school's row."""
        return tuple(account for account in self.accounts if not account.school)

    def worst_school(self) -> SchoolLinks | None:
        ranked = sorted(self.schools, key=lambda s: (-s.not_linked_total, s.school))
        return ranked[0] if ranked and ranked[0].not_linked_total else None


def read_vendor_roster(
    path: Path, profile: VendorProfile | None = None, source: RosterSource = RosterSource.VENDOR_EXPORT
) -> VendorRoster:
    """The vendor's roster export (CSV/TSV/XLSX; encoding and delimiter sniffed), or the wizard's own import
    file (`source`), read for the check."""
    profile = profile or load_profile(DEFAULT_PROFILE)
    frame = read_table(path).frame.reset_index(drop=True)
    columns = resolve_roster_columns(frame, profile)
    for role, fallback in (("external_id", "ExternalID"), ("username", "Username")):
        if role not in columns:
            raise VendorRosterError(
                f"{path.name} has no {(profile.roster.get(role) or (fallback,))[0]!r} column.",
                f"Export the student roster from {profile.title} with its header row, its usernames and the "
                "ExternalID column.",
            )
    return VendorRoster(path, profile.title, frame, profile, source)


def _texts(series: pd.Series) -> list[str]:
    """A text column as Python strings ("" for missing), in one conversion rather than cell by cell."""
    return [str(v) for v in series.to_numpy(dtype=object, na_value="").tolist()]


def _blank(length: int) -> pd.Series:
    return pd.Series([""] * length, dtype="string")


def check_login_links(
    snapshot: DistrictSnapshot,
    roster: VendorRoster,
    progress: ProgressCallback = no_progress,
    cancel: CancelToken | None = None,
) -> LinkCheck:
    """Per shared student: linked, or why not; and the vendor accounts no shared student takes."""
    return link_students(snapshot.students, snapshot.school_name, roster, progress, cancel)


def students_frame(
    shared: Sequence[DataUser], school_name: Callable[[str | None], str]
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Hub users as the engine reads SIS students (hub students.csv columns), and their schools' names."""
    school_ids = [user.school or "" for user in shared]
    students = pd.DataFrame(
        {
            "Student_id": [user.sis_id or "" for user in shared],
            "First_name": [user.first_name for user in shared],
            "Last_name": [user.last_name for user in shared],
            "Grade": [user.grade or "" for user in shared],
            "School_id": school_ids,
        },
        dtype="string",
    )
    distinct = sorted(set(school_ids) - {""})
    schools = pd.DataFrame(
        {"School_id": distinct, "School_name": [school_name(school) for school in distinct]}, dtype="string"
    )
    return students, schools


def link_students(
    shared: Sequence[DataUser],
    school_name: Callable[[str | None], str],
    roster: VendorRoster,
    progress: ProgressCallback = no_progress,
    cancel: CancelToken | None = None,
) -> LinkCheck:
    """`check_login_links` for students read elsewhere (the wizard's own district): the one implementation."""
    cancel = cancel or CancelToken()
    students, schools = students_frame(shared, school_name)

    def matching(done: int, total: int, message: str = "") -> None:
        progress(done, total + 1, message)  # the last step is this check's own

    match = match_roster(
        students,
        schools,
        roster.frame,
        roster.profile,
        roster_name=roster.path.name,
        progress=matching,
        cancel=cancel,
    )
    cancel.raise_if_cancelled()
    links = _student_links(shared, school_name, roster, match)
    unclaimed = _unclaimed_accounts(roster, match)
    order = sorted(range(len(links)), key=lambda i: (links[i].school, shared[i].last_name, shared[i].id))
    links = [links[i] for i in order]
    progress(1, 1, "Login-link check done.")
    return LinkCheck(
        roster.app_title,
        roster.path,
        tuple(links),
        tuple(unclaimed),
        _per_school(links, unclaimed),
        roster.source,
    )


def _student_links(
    shared: Sequence[DataUser],
    school_name: Callable[[str | None], str],
    roster: VendorRoster,
    match: MatchResult,
) -> list[StudentLink]:
    outcomes = match.student_outcomes()
    outcome = outcomes["outcome"].to_numpy(dtype=object)
    account_of = outcomes["account"].to_numpy(dtype="int64")
    undecided = outcomes["needs_decision"].to_numpy(dtype=bool)
    held = match.held.groupby("Student_id")["username"].agg(tuple) if len(match.held) else None
    accounts = roster.accounts
    links = []
    for position, user in enumerate(shared):
        account = int(account_of[position])
        candidates: tuple[str, ...] = ()
        if undecided[position] and held is not None:
            candidates = tuple(held.get((user.sis_id or "").strip(), ()))
        if account < 0 and len(candidates) == 1:
            account = _position_of(match, candidates[0])  # the one near miss explains why not
        links.append(
            StudentLink(
                user,
                school_name(user.school),
                Outcome(outcome[position]),
                accounts[account] if account >= 0 else None,
                candidates,
            )
        )
    return links


def _position_of(match: MatchResult, username: str) -> int:
    rows = np.flatnonzero(match.accounts["username"].to_numpy(dtype=object) == username)
    return int(rows[0]) if len(rows) else -1


def _unclaimed_accounts(roster: VendorRoster, match: MatchResult) -> list[AccountLink]:
    """Accounts no shared student takes nor could take (those held as candidates belong to a student's row)."""
    accounts = match.accounts
    free = np.flatnonzero(((accounts["student"] < 0) & ~accounts["needs_decision"]).to_numpy(dtype=bool))
    outcome = accounts["outcome"].to_numpy(dtype=object)
    return [
        AccountLink(roster.accounts[i], Outcome(outcome[i]), roster.accounts[i].school) for i in free.tolist()
    ]


def _per_school(links: list[StudentLink], unclaimed: list[AccountLink]) -> tuple[SchoolLinks, ...]:
    schools: dict[str, SchoolLinks] = {}
    for link in links:
        entry = schools.get(link.school)
        if entry is None:
            entry = schools[link.school] = SchoolLinks(link.school)
        entry.shared += 1
        if link.linked:
            entry.linked += 1
        else:
            entry.not_linked[link.outcome] += 1
            entry.not_linked_students.append(link)
    for account in unclaimed:
        if not account.school:
            continue  # no school in the vendor's roster: in the totals, never an empty "(no school)" row
        if account.school not in schools:
            schools[account.school] = SchoolLinks(account.school)
        schools[account.school].unclaimed_accounts += 1
        schools[account.school].unclaimed.append(account)
    return tuple(sorted(schools.values(), key=lambda s: s.school.casefold()))


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


REDACTED_NAME = "(redacted)"


def csv_rows(check: LinkCheck, *, pseudonym: Callable[[str], str] | None = None) -> list[dict[str, str]]:
    """One row per shared student and per unclaimed vendor account, in CSV_COLUMNS order. With `pseudonym`,
    ids (also inside what_to_do) are replaced by it and names are left out."""
    key = pseudonym or (lambda value: value)

    def name(value: str) -> str:
        return REDACTED_NAME if pseudonym and value else value

    rows = []
    for link in check.students:
        student, account = link.student, link.account
        rows.append(
            {
                "school": link.school,
                "record": "shared student",
                "outcome": str(link.outcome),
                "will_link": "yes" if link.linked else "no",
                "reason": PLAIN_WORDS[link.outcome],
                "who_must_act": WHO_ACTS[link.outcome],
                "what_to_do": link.fix(check.app_title, key),
                "hub_id": key(student.id),
                "sis_id": key(student.sis_id or ""),
                "first_name": name(student.first_name),
                "last_name": name(student.last_name),
                "grade": student.grade or "",
                "vendor_username": key(account.username) if account else "",
                "vendor_external_id": key(account.external_id) if account else "",
                "vendor_roster_row": str(account.row) if account else "",
            }
        )
    for unclaimed in check.accounts:
        account = unclaimed.account
        rows.append(
            {
                "school": unclaimed.school,
                "record": "vendor account",
                "outcome": str(unclaimed.outcome),
                "will_link": "no",
                "reason": PLAIN_WORDS[unclaimed.outcome],
                "who_must_act": WHO_ACTS[unclaimed.outcome],
                "what_to_do": what_to_do(unclaimed.outcome, "", key(account.username), check.app_title),
                "hub_id": "",
                "sis_id": "",
                "first_name": name(account.first_name),
                "last_name": name(account.last_name),
                "grade": account.grade,
                "vendor_username": key(account.username),
                "vendor_external_id": key(account.external_id),
                "vendor_roster_row": str(account.row),
            }
        )
    return rows


# --- the wizard's Instant Login check (the Validate page) --------------------------------------------------


@dataclass(frozen=True)
class StudentProblem:
    """One shared student who will not be signed straight into their account, and why, in the check's words."""

    name: str
    sis_id: str
    school: str
    outcome: Outcome
    reason: str
    who_must_act: str
    what_to_do: str


@dataclass(frozen=True)
class InstantLoginCheck:
    """Will Instant Login sign each shared student into their account? Against a roster when there is one
    (`roster_source` says which), else only whether every student has a SIS id of their own."""

    total: int
    without_sis_id: tuple[RosterUser, ...]
    duplicate_sis_id: tuple[RosterUser, ...]  # every student whose SIS id another student has too
    not_linking: tuple[StudentProblem, ...]  # against the roster: each student who will not link
    links: LinkCheck | None
    roster: VendorRoster | None = field(default=None, repr=False)

    @property
    def roster_source(self) -> RosterSource | None:
        return self.roster.source if self.roster else None

    @property
    def against_own_import(self) -> bool:
        """Checked against the import file this wizard wrote, not the vendor's own roster."""
        return self.roster_source == RosterSource.WIZARD_IMPORT

    @property
    def checked_against(self) -> str:
        """The roster it was checked against, in words ("" when none was)."""
        return self.roster.describe() if self.roster else ""

    @property
    def unknown_to_vendor(self) -> tuple[StudentProblem, ...]:
        """Students with a SIS id of their own that the roster does not link."""
        district = {Outcome.NO_SIS_ID, Outcome.SIS_ID_NOT_UNIQUE}
        return tuple(p for p in self.not_linking if p.outcome not in district)

    @property
    def lost_leading_zeros(self) -> int:
        return sum(p.outcome == Outcome.EXTERNAL_ID_LOST_ZEROS for p in self.not_linking)

    @property
    def ok(self) -> bool:
        return not (self.without_sis_id or self.duplicate_sis_id or self.not_linking)


def as_data_user(student: RosterUser) -> DataUser:
    """A student of the hub's shared-users list, in the Data API's shape the link check reads."""
    school = student.school_id or None
    return DataUser(
        id=student.id,
        district="",
        email=student.email or None,
        first_name=student.first_name,
        middle_name="",
        last_name=student.last_name,
        roles=(student.role,),
        sis_id=student.sis_id or None,
        school=school,
        schools=(school,) if school else (),
        grade=student.grade or None,
        raw={},
    )


def instant_login_check(
    students: Sequence[RosterUser],
    roster: VendorRoster | None,
    progress: ProgressCallback = no_progress,
    cancel: CancelToken | None = None,
) -> InstantLoginCheck:
    """The Validate page's check: the support view's link check (the same engine and words) over the
    students the district shares with the app. Without a roster (Secure Sync apps get the SIS ids from the
    hub itself) it checks that every shared student has a SIS id, and that no two share one."""
    seen = Counter(student.sis_id for student in students if student.sis_id)
    without = tuple(s for s in students if not s.sis_id)
    duplicated = tuple(s for s in students if s.sis_id and seen[s.sis_id] > 1)
    if roster is None:
        return InstantLoginCheck(len(students), without, duplicated, (), None)
    schools = {student.school_id: student.school_name for student in students}
    check = link_students(
        [as_data_user(s) for s in students],
        lambda school: schools.get(school or "", "") or "(no school)",
        roster,
        progress,
        cancel,
    )
    problems = tuple(
        StudentProblem(
            link.student.name or "(no name)",
            link.student.sis_id or "",
            link.school,
            link.outcome,
            PLAIN_WORDS[link.outcome],
            WHO_ACTS[link.outcome],
            link.fix(roster.app_title),
        )
        for link in check.students
        if not link.linked
    )
    return InstantLoginCheck(len(students), without, duplicated, problems, check, roster)
