"""The login-link check: will each shared student land in their existing account in the vendor's app?

A hub login reaches a vendor account through the account's ExternalID, which must equal the student's SIS id.
We compare the students the district shares with the app against the vendor's current roster export and say,
per school, who will be linked, who will not (and why), and which accounts no shared student points to.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from wizard.errors import UserFacingError
from wizard.hub.dataapi import DataUser
from wizard.roster.readers import read_table
from wizard.roster.vendor.keys import resolve_roster_columns
from wizard.roster.vendor.normalise import id_key, name_key, text
from wizard.roster.vendor.profiles import VendorProfile, load_profile
from wizard.support.health import DISTRICT, VENDOR
from wizard.support.reading import DistrictSnapshot
from wizard.tasks import CancelToken, ProgressCallback, no_progress

DEFAULT_PROFILE = "symphony-math"

# Outcomes for shared students, then for vendor accounts.
LINKED = "linked"
NO_SIS_ID = "no_sis_id"
LOST_ZEROS = "external_id_lost_leading_zeros"
NAME_ONLY = "account_without_matching_external_id"
NO_ACCOUNT = "no_account"
ACCOUNT_ORPHAN = "account_points_to_no_shared_student"
ACCOUNT_NO_EXTERNAL_ID = "account_without_external_id"

NOT_LINKED_OUTCOMES = (LOST_ZEROS, NAME_ONLY, NO_ACCOUNT, NO_SIS_ID)
LINKS_OUTCOME_ORDER = NOT_LINKED_OUTCOMES
PLAIN_WORDS = {
    LINKED: "will sign in straight into their existing account",
    NO_SIS_ID: "has no SIS id in the hub, so nothing can link them",
    LOST_ZEROS: "the account's ExternalID lost the SIS id's leading zeros (the file went through a spreadsheet)",
    NAME_ONLY: "an account with the same name exists, but its ExternalID is empty or another id",
    NO_ACCOUNT: "no account has their SIS id: Instant Login will create a new, empty account or fail",
    ACCOUNT_ORPHAN: "its ExternalID is not the SIS id of any student the district shares with the app",
    ACCOUNT_NO_EXTERNAL_ID: "it has no ExternalID, so no hub login can reach it",
}
SHORT_WORDS = {
    LINKED: "linked",
    NO_SIS_ID: "no SIS id",
    LOST_ZEROS: "ExternalID lost its leading zeros",
    NAME_ONLY: "same-name account without their SIS id",
    NO_ACCOUNT: "no account",
    ACCOUNT_ORPHAN: "ExternalID matches no shared student",
    ACCOUNT_NO_EXTERNAL_ID: "no ExternalID",
}
WHO_ACTS = {
    LINKED: "",
    NO_SIS_ID: DISTRICT,
    LOST_ZEROS: VENDOR,
    NAME_ONLY: VENDOR,
    NO_ACCOUNT: VENDOR,
    ACCOUNT_ORPHAN: VENDOR,
    ACCOUNT_NO_EXTERNAL_ID: VENDOR,
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
    accounts: tuple[VendorAccount, ...]


@dataclass(frozen=True)
class StudentLink:
    student: DataUser
    school: str
    outcome: str
    account: VendorAccount | None  # the account it links to, or the near miss that explains why not

    @property
    def linked(self) -> bool:
        return self.outcome == LINKED


@dataclass(frozen=True)
class AccountLink:
    account: VendorAccount
    outcome: str
    school: str


@dataclass
class SchoolLinks:
    school: str
    shared: int = 0
    linked: int = 0
    not_linked: Counter[str] = field(default_factory=Counter)
    unclaimed_accounts: int = 0

    @property
    def not_linked_total(self) -> int:
        return sum(self.not_linked.values())


@dataclass(frozen=True)
class LinkCheck:
    app_title: str
    roster_path: Path
    students: tuple[StudentLink, ...]
    accounts: tuple[AccountLink, ...]  # accounts no shared student points to
    schools: tuple[SchoolLinks, ...]

    @property
    def linked(self) -> int:
        return sum(school.linked for school in self.schools)

    @property
    def not_linked(self) -> int:
        return len(self.students) - self.linked

    def worst_school(self) -> SchoolLinks | None:
        ranked = sorted(self.schools, key=lambda s: (-s.not_linked_total, s.school))
        return ranked[0] if ranked and ranked[0].not_linked_total else None


def read_vendor_roster(path: Path, profile: VendorProfile | None = None) -> VendorRoster:
    """The vendor's roster export (CSV/TSV/XLSX; encoding and delimiter sniffed) as accounts."""
    profile = profile or load_profile(DEFAULT_PROFILE)
    frame = read_table(path).frame
    columns = resolve_roster_columns(frame, profile)
    if "external_id" not in columns:
        raise VendorRosterError(
            f"{path.name} has no {(profile.roster.get('external_id') or ('ExternalID',))[0]!r} column.",
            f"Export the student roster from {profile.title} with its header row and the ExternalID column.",
        )

    def column(role: str) -> list[str]:
        header = columns.get(role)
        values = text(frame[header]) if header else pd.Series([""] * len(frame), dtype="string")
        return _texts(values)

    rows = [int(i) for i in frame.index]
    parts = [column(r) for r in ("username", "external_id", "first_name", "last_name", "grade", "school")]
    return VendorRoster(
        path,
        profile.title,
        tuple(VendorAccount(row, *values) for row, *values in zip(rows, *parts, strict=True)),
    )


def _texts(series: pd.Series) -> list[str]:
    """A text column as Python strings ("" for missing), in one conversion rather than cell by cell."""
    return [str(v) for v in series.to_numpy(dtype=object, na_value="").tolist()]


def _name_keys(first: list[str], last: list[str]) -> list[str]:
    joined = pd.Series([f"{f} {last_name}" for f, last_name in zip(first, last, strict=True)], dtype="string")
    return _texts(name_key(joined))


def _ids(values: list[str]) -> list[str]:
    return _texts(id_key(pd.Series(values, dtype="string")))


def check_login_links(
    snapshot: DistrictSnapshot,
    roster: VendorRoster,
    progress: ProgressCallback = no_progress,
    cancel: CancelToken | None = None,
) -> LinkCheck:
    """Per shared student: linked, or why not; and the vendor accounts no shared student points to."""
    return link_students(snapshot.students, snapshot.school_name, roster, progress, cancel)


def link_students(
    shared: Sequence[DataUser],
    school_name: Callable[[str | None], str],
    roster: VendorRoster,
    progress: ProgressCallback = no_progress,
    cancel: CancelToken | None = None,
) -> LinkCheck:
    """`check_login_links` for students read elsewhere (the wizard's own district): the one implementation."""
    cancel = cancel or CancelToken()
    students = sorted(shared, key=lambda u: (school_name(u.school), u.last_name, u.id))
    accounts = roster.accounts
    progress(0, 2, "Comparing SIS ids with the vendor's ExternalIDs…")
    account_ids = _ids([a.external_id for a in accounts])
    account_names = _name_keys([a.first_name for a in accounts], [a.last_name for a in accounts])
    key_of = {id(account): key for account, key in zip(accounts, account_ids, strict=True)}
    by_id = {key: account for key, account in zip(account_ids, accounts, strict=True) if key}
    by_name: dict[str, list[VendorAccount]] = {}
    for key, account in zip(account_names, accounts, strict=True):
        if key:
            by_name.setdefault(key, []).append(account)
    student_ids = _ids([s.sis_id or "" for s in students])
    student_names = _name_keys([s.first_name for s in students], [s.last_name for s in students])
    shared_ids = {key for key in student_ids if key}
    links = []
    for index, (student, key, name) in enumerate(zip(students, student_ids, student_names, strict=True)):
        if index % 1000 == 0:
            cancel.raise_if_cancelled()
        school = school_name(student.school)
        stripped = key.lstrip("0")
        if not key:
            links.append(StudentLink(student, school, NO_SIS_ID, None))
        elif key in by_id:
            links.append(StudentLink(student, school, LINKED, by_id[key]))
        elif stripped != key and stripped in by_id and stripped not in shared_ids:
            links.append(StudentLink(student, school, LOST_ZEROS, by_id[stripped]))
        else:
            near = [a for a in by_name.get(name, []) if key_of[id(a)] not in shared_ids]
            outcome = NAME_ONLY if len(near) == 1 else NO_ACCOUNT
            links.append(StudentLink(student, school, outcome, near[0] if len(near) == 1 else None))
    progress(1, 2, "Looking for accounts no shared student points to…")
    claimed = {id(link.account) for link in links if link.account is not None}
    unclaimed = [
        AccountLink(
            account, ACCOUNT_ORPHAN if key else ACCOUNT_NO_EXTERNAL_ID, account.school or "(no school)"
        )
        for account, key in zip(accounts, account_ids, strict=True)
        if key not in shared_ids and id(account) not in claimed
    ]
    progress(2, 2, "Login-link check done.")
    return LinkCheck(
        roster.app_title, roster.path, tuple(links), tuple(unclaimed), _per_school(links, unclaimed)
    )


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
    for account in unclaimed:
        if account.school not in schools:
            schools[account.school] = SchoolLinks(account.school)
        schools[account.school].unclaimed_accounts += 1
    return tuple(sorted(schools.values(), key=lambda s: s.school.casefold()))


def what_to_do(outcome: str, sis_id: str, username: str, app: str) -> str:
    """The fix in one sentence, for the CSV and the troubleshooter."""
    if outcome == NO_SIS_ID:
        return "Add the student's SIS id in the SIS; it reaches the hub at the next sync."
    if outcome == LOST_ZEROS:
        return (
            f"Set ExternalID of {app} account {username!r} to {sis_id} exactly (as text, with its leading "
            "zeros), e.g. by importing the wizard's import file without opening it in a spreadsheet."
        )
    if outcome == NAME_ONLY:
        return f"If {app} account {username!r} is this student, set its ExternalID to {sis_id}."
    if outcome == NO_ACCOUNT:
        return f"Import the student into {app} with ExternalID {sis_id} before they sign in."
    if outcome == ACCOUNT_ORPHAN:
        return (
            "Check whether the student left or is not shared with the app; otherwise correct the ExternalID."
        )
    if outcome == ACCOUNT_NO_EXTERNAL_ID:
        return "Fill in the account's ExternalID with the student's SIS id."
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
                "outcome": link.outcome,
                "will_link": "yes" if link.linked else "no",
                "reason": PLAIN_WORDS[link.outcome],
                "who_must_act": WHO_ACTS[link.outcome],
                "what_to_do": what_to_do(
                    link.outcome,
                    key(student.sis_id or ""),
                    key(account.username) if account else "",
                    check.app_title,
                ),
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
                "outcome": unclaimed.outcome,
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
