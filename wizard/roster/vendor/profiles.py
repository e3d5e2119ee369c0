"""Vendor import profiles: each vendor's import-file shape, read from the shipped vendor_profiles/*.toml
(wizard.resources).

Adding a vendor is a data change: a new TOML file. This module only reads and checks them.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from wizard.errors import UserFacingError
from wizard.resources import Traversable, resource

PROFILES_DIR = resource("vendor_profiles")

PasswordPolicy = Literal["none", "generated", "column"]
ExistingPassword = Literal["blank", "from_roster"]
UnlinkedAccounts = Literal["leave_out", "keep"]

# Sources that are not a hub column.
SPECIAL_SOURCES = frozenset({"username", "password", "middle_initial"})
# Roster export roles the matcher understands.
ROSTER_ROLES = (
    "username",
    "external_id",
    "student_number",
    "state_id",
    "first_name",
    "last_name",
    "grade",
    "school",
    "birth_date",
    "password",
)
# A password must never be derived from these hub columns.
FORBIDDEN_PASSWORD_COLUMNS = frozenset({"DOB", "Graduation_year"})
USERNAME_TOKENS = frozenset({"first", "first_initial", "last", "last_initial", "middle_initial", "sis_id"})


class ProfileError(UserFacingError):
    """A vendor profile is missing or malformed."""


@dataclass(frozen=True)
class ImportColumn:
    header: str
    source: str  # "students.X", "schools.X", or one of SPECIAL_SOURCES
    required: bool = False
    vocabulary: str | None = None  # "grades": translate through the profile's grade vocabulary


@dataclass(frozen=True)
class UsernameRule:
    pattern: str = "{first_initial}{last}"
    max_length: int = 64
    first_suffix: int = 2
    fallback: str = "student{sis_id}"


@dataclass(frozen=True)
class PasswordRule:
    policy: PasswordPolicy = "none"
    length: int = 10
    column: str | None = None  # hub students column, for policy "column"
    existing: ExistingPassword = "blank"


@dataclass(frozen=True)
class VendorProfile:
    name: str
    title: str
    columns: tuple[ImportColumn, ...]
    roster: dict[str, tuple[str, ...]]  # role -> its header in the vendor's roster export, and alternatives
    username: UsernameRule
    password: PasswordRule
    grades: dict[str, str]  # hub grade -> vendor grade
    # "keep": the import file also carries every existing account no student matched, unchanged, for vendors
    # whose import replaces the whole roster (an account missing from the file would be removed).
    unlinked_accounts: UnlinkedAccounts = "leave_out"
    path: Path | None = field(default=None, compare=False)

    @property
    def headers(self) -> list[str]:
        return [column.header for column in self.columns]

    def roster_header(self, role: str) -> str:
        """The header the roster export is expected to use for `role` (the first one listed)."""
        headers = self.roster.get(role)
        return headers[0] if headers else ""

    @property
    def required_headers(self) -> list[str]:
        return [column.header for column in self.columns if column.required]


def list_profiles(directory: Traversable = PROFILES_DIR) -> list[str]:
    """The names of the shipped vendor profiles, sorted."""
    return sorted(
        entry.name.removesuffix(".toml")
        for entry in directory.iterdir()
        if entry.name.endswith(".toml") and entry.is_file()
    )


def load_profile(name_or_path: str | Path, directory: Traversable = PROFILES_DIR) -> VendorProfile:
    """Load a profile by name (e.g. "symphony-math") or from a TOML file path."""
    path: Traversable = Path(name_or_path)
    if Path(name_or_path).suffix != ".toml":
        path = directory / f"{name_or_path}.toml"
    if not path.is_file():
        available = ", ".join(list_profiles(directory)) or "none"
        raise ProfileError(
            f"There is no vendor profile called {str(name_or_path)!r}.",
            f"Choose one of: {available}.",
        )
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as error:
        raise ProfileError(f"The vendor profile {path.name} cannot be read: {error}.") from error
    try:
        return _profile_from_dict(
            data, path.name.removesuffix(".toml"), path if isinstance(path, Path) else None
        )
    except (KeyError, TypeError, ValueError) as error:
        raise ProfileError(
            f"The vendor profile {path.name} is not valid: {error}.",
            "Fix the file or choose another profile.",
        ) from error


def _profile_from_dict(data: dict[str, Any], stem: str, path: Path | None) -> VendorProfile:
    columns = tuple(
        ImportColumn(
            header=str(item["header"]),
            source=str(item["source"]),
            required=bool(item.get("required", False)),
            vocabulary=item.get("vocabulary"),
        )
        for item in data["columns"]
    )
    roster = {
        str(role): (str(headers),) if isinstance(headers, str) else tuple(str(h) for h in headers)
        for role, headers in data.get("roster", {}).items()
    }
    username = UsernameRule(**data.get("username", {}))
    password = PasswordRule(**data.get("password", {}))
    grades = {str(hub): str(vendor) for hub, vendor in data.get("grades", {}).items()}
    profile = VendorProfile(
        name=str(data.get("name", stem)),
        title=str(data.get("title", stem)),
        columns=columns,
        roster=roster,
        username=username,
        password=password,
        grades=grades,
        unlinked_accounts=data.get("unlinked_accounts", "leave_out"),
        path=path,
    )
    _check(profile)
    return profile


def _check(profile: VendorProfile) -> None:
    headers = profile.headers
    if not headers:
        raise ValueError("it lists no columns")
    if len(set(headers)) != len(headers):
        raise ValueError("a column header appears twice")
    for column in profile.columns:
        table, _, hub_column = column.source.partition(".")
        if column.source not in SPECIAL_SOURCES and (table not in ("students", "schools") or not hub_column):
            raise ValueError(f"column {column.header!r} has an unknown source {column.source!r}")
        if column.vocabulary not in (None, "grades"):
            raise ValueError(f"column {column.header!r} has an unknown vocabulary {column.vocabulary!r}")
    if not any(c.source == "students.Student_id" for c in profile.columns):
        raise ValueError("no column carries the SIS id (students.Student_id), which links hub logins")
    if not any(c.source == "username" for c in profile.columns):
        raise ValueError("no column carries the username")
    unknown_roles = set(profile.roster) - set(ROSTER_ROLES)
    if unknown_roles:
        raise ValueError(f"unknown roster roles {sorted(unknown_roles)}")
    if not profile.roster.get("username"):
        raise ValueError("the [roster] table must name its username column")
    if not all(profile.roster.values()):
        raise ValueError("a [roster] role has an empty list of headers")
    if profile.unlinked_accounts not in ("leave_out", "keep"):
        raise ValueError(f"unlinked_accounts must be leave_out or keep, not {profile.unlinked_accounts!r}")
    _check_password(profile.password)
    _check_username(profile.username)


def _check_password(rule: PasswordRule) -> None:
    if rule.policy not in ("none", "generated", "column"):
        raise ValueError(f"unknown password policy {rule.policy!r}")
    if rule.existing not in ("blank", "from_roster"):
        raise ValueError(f"unknown existing-password rule {rule.existing!r}")
    if rule.policy == "column" and not rule.column:
        raise ValueError('password policy "column" needs a `column`')
    if rule.column in FORBIDDEN_PASSWORD_COLUMNS:
        raise ValueError(f"passwords must never come from {rule.column} (a birth date is not a secret)")
    if not 6 <= rule.length <= 64:
        raise ValueError("password length must be between 6 and 64")


def _check_username(rule: UsernameRule) -> None:
    for pattern in (rule.pattern, rule.fallback):
        tokens = set(re.findall(r"{(\w+)}", pattern))
        if not tokens or tokens - USERNAME_TOKENS:
            raise ValueError(f"username pattern {pattern!r} uses unknown or no fields")
    if "{sis_id}" not in rule.fallback:
        raise ValueError("the username fallback must contain {sis_id} so it is unique")
    if rule.max_length < 8:
        raise ValueError("username max_length must be at least 8")
