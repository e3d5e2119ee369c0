"""What the login-link check finds: per shared student and per vendor account an outcome, per school the
counts, and the whole check (made by wizard/support/linkcheck.py)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from wizard.hub.dataapi import DataUser
from wizard.roster.vendor.outcomes import Outcome
from wizard.support.link_words import what_to_do
from wizard.support.vendor_roster import RosterSource, VendorAccount


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
