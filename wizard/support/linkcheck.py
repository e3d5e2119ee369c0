"""The login-link check: will each shared student land in their existing account in the vendor's app?

A hub login reaches a vendor account through the account's ExternalID, which must equal the student's SIS id.
Which account is a student's is decided by the one matching engine (`wizard.roster.vendor.match_roster`),
the same that builds the vendor import file, so the import, this check, its `--lookup` and the wizard's
Instant Login check give one answer per student, in one vocabulary (`Outcome`). Only an account whose
ExternalID already is the SIS id links today; for every other student the check says why not and what to do.
The outcomes' words are in link_words.py, the vendor roster's reading in vendor_roster.py, the results'
shapes in link_result.py; this module imports them for its callers too.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from wizard.hub.dataapi import DataUser
from wizard.hub.models import RosterUser
from wizard.roster.vendor.matching import match_roster
from wizard.roster.vendor.outcomes import Outcome
from wizard.roster.vendor.result import MatchResult
from wizard.support.link_result import AccountLink as AccountLink
from wizard.support.link_result import LinkCheck as LinkCheck
from wizard.support.link_result import SchoolLinks as SchoolLinks
from wizard.support.link_result import StudentLink as StudentLink
from wizard.support.link_words import LINKS_OUTCOME_ORDER as LINKS_OUTCOME_ORDER
from wizard.support.link_words import NOT_LINKED_OUTCOMES as NOT_LINKED_OUTCOMES
from wizard.support.link_words import PLAIN_WORDS as PLAIN_WORDS
from wizard.support.link_words import SHORT_WORDS as SHORT_WORDS
from wizard.support.link_words import WHO_ACTS as WHO_ACTS
from wizard.support.link_words import what_to_do as what_to_do
from wizard.support.reading import DistrictSnapshot
from wizard.support.vendor_roster import DEFAULT_PROFILE as DEFAULT_PROFILE
from wizard.support.vendor_roster import RosterSource as RosterSource
from wizard.support.vendor_roster import VendorAccount as VendorAccount
from wizard.support.vendor_roster import VendorRoster as VendorRoster
from wizard.support.vendor_roster import VendorRosterError as VendorRosterError
from wizard.support.vendor_roster import read_vendor_roster as read_vendor_roster
from wizard.tasks import CancelToken, ProgressCallback, no_progress

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
