"""The vendor's roster export (or the import file this wizard wrote) as the login-link check reads it."""

from __future__ import annotations

import functools
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path

import pandas as pd

from wizard.errors import UserFacingError
from wizard.roster.readers import read_table
from wizard.roster.vendor.keys import resolve_roster_columns
from wizard.roster.vendor.normalise import text
from wizard.roster.vendor.profiles import VendorProfile, load_profile

DEFAULT_PROFILE = "symphony-math"


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
