"""What matching produces: per student and per account, the outcome, the account or student it goes with,
the candidates of an open decision, and a note in plain words; with the counts an admin reads."""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

from wizard.roster.vendor import outcomes as oc
from wizard.roster.vendor.profiles import VendorProfile


@dataclass(frozen=True)
class MatchCounts:
    """What an admin cares about, as the import file has it: students linked to an existing account and
    students getting a new one (both in the import), students waiting for a decision (their candidate
    accounts are listed with them, not counted), students left out for errors, accounts left unlinked."""

    linked: int
    new: int
    needs_decision: int
    would_unlink: int
    left_out: int = 0


@dataclass
class MatchResult:
    # The frames stay out of repr: they are big, and the roster export may carry passwords.
    profile: VendorProfile
    sis: pd.DataFrame = field(repr=False)  # hub students, one row per Student_id, index 0..n-1
    schools: pd.DataFrame | None = field(repr=False)
    roster: pd.DataFrame = field(repr=False)  # the vendor export as read (spreadsheet row = index + 2)
    students: pd.DataFrame = field(repr=False)  # per SIS student, aligned with `sis`
    accounts: pd.DataFrame = field(repr=False)  # per roster row, aligned with `roster`
    issues: list[oc.VendorIssue] = field(default_factory=list)
    roster_name: str = "vendor roster"
    held: pd.DataFrame = field(
        default_factory=lambda: pd.DataFrame(columns=["Student_id", "username"]), repr=False
    )
    # ^ the undecided pairs: each student waiting for a decision with each account it could be
    dropped: pd.DataFrame = field(
        default_factory=lambda: pd.DataFrame(columns=["input_row", "Student_id", "outcome"]), repr=False
    )
    # ^ students of the input that cannot be matched: no SIS id, or one repeating an earlier row's

    def choices_for_student(self, student_id: str) -> list[str]:
        """What the admin may decide for a student waiting for a decision: a candidate username, or "new"."""
        usernames = self.held.loc[self.held["Student_id"] == student_id, "username"]
        return [*dict.fromkeys(str(name) for name in usernames), oc.DECISION_NEW]

    def choices_for_account(self, username: str) -> list[str]:
        """The SIS ids an account waiting for a decision could belong to (decide as {sis_id: username})."""
        ids = self.held.loc[self.held["username"] == username, "Student_id"]
        return list(dict.fromkeys(str(sid) for sid in ids))

    def student_outcomes(self) -> pd.DataFrame:
        """Every student of the input, by its position there: `outcome`, `account` (roster position, -1 for
        none), `needs_decision` and `left_out`; students that cannot be matched are included."""
        students = self.students
        matched = pd.DataFrame(
            {
                "outcome": students["outcome"].to_numpy(dtype=object),
                "account": students["account"].to_numpy(dtype="int64"),
                "needs_decision": students["needs_decision"].to_numpy(dtype=bool),
                "left_out": students["left_out"].to_numpy(dtype=bool),
            },
            index=students["input_row"].to_numpy(dtype="int64"),
        )
        dropped = pd.DataFrame(
            {
                "outcome": self.dropped["outcome"].to_numpy(dtype=object),
                "account": -1,
                "needs_decision": False,
                "left_out": False,
            },
            index=self.dropped["input_row"].to_numpy(dtype="int64"),
        )
        return pd.concat([matched, dropped]).sort_index() if len(dropped) else matched.sort_index()

    @property
    def counts(self) -> MatchCounts:
        """Each student in exactly one of linked, new, needs_decision and left_out; the import file holds the
        linked and the new ones (and, when the profile keeps them, the unlinked accounts)."""
        students, accounts = self.students, self.accounts
        undecided = students["needs_decision"]
        left_out = students["left_out"] & ~undecided
        importing = ~undecided & ~left_out
        return MatchCounts(
            linked=int((students["outcome"].isin(oc.LINKED_OUTCOMES) & importing).sum()),
            new=int(((students["outcome"] == oc.Outcome.NEW_ACCOUNT) & importing).sum()),
            # students, not accounts: each open decision is one student's (the accounts are its choices)
            needs_decision=int(undecided.sum()),
            would_unlink=int(((accounts["student"] < 0) & ~accounts["needs_decision"]).sum()),
            left_out=int(left_out.sum()),
        )

    def report_outcomes(self) -> pd.Series:
        """Each student's outcome as the match report and the counts give it: left out for errors (when no
        decision is open) instead of the match it will have once the errors are fixed."""
        students = self.students
        left_out = students["left_out"] & ~students["needs_decision"]
        return students["outcome"].where(~left_out, oc.Outcome.LEFT_OUT_FOR_ERRORS)

    def outcome_counts(self) -> dict[str, int]:
        """Rows of the match report per outcome (a linked account and its student are one row)."""
        outcomes = pd.concat(
            [
                self.report_outcomes(),
                self.dropped["outcome"],
                self.accounts.loc[self.accounts["student"] < 0, "outcome"],
            ]
        ).astype("string")
        counts = outcomes.value_counts()
        return {outcome: int(counts.get(outcome, 0)) for outcome in oc.ALL_OUTCOMES}
