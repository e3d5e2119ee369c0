"""OneRoster 1.1 / 1.2 and Microsoft SDS v2.1 CSV sets (zip or folder) -> hub tables.

The three share one shape (orgs, users, classes, courses, academic sessions, enrollments, demographics), so one
converter reads them, told by wizard/resources/roster_standards.toml which files and headers each has:

- orgs of type school -> schools (other org types are reported once and left out);
- people -> students / teachers / staff: in OneRoster 1.1 by users.csv's role and orgSourcedIds; in OneRoster
  1.2 and SDS v2.1 by roles.csv (a user may hold several roles at several orgs: the primary role first, a school
  org before any other; a person at several schools is listed under one, as the hub's format allows, and told);
  roles the hub set has no place for (parents, guardians, ...) are reported once per role;
- classes + courses + academic sessions -> sections (Course_*, Term_*); enrollments with role student ->
  enrollments, with role teacher -> Teacher_id (primary first) and Teacher_2_id ...;
- demographics -> students (sex, race, ethnicity, birth date).

Real exports drift from the letter of the standards: headers in another case or spelling, file names in another
case, extra empty columns. These are read and said once per file. A delta set is refused (UsageError).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from wizard.errors import UsageError
from wizard.roster import spec, standards
from wizard.roster.arrowtext import arrow, empty_text, from_arrow, isin, lookup
from wizard.roster.issues import IssueLog
from wizard.roster.mapping import FileMapping, MappingSpec
from wizard.roster.readers import RawTable
from wizard.roster.sds import assign_teachers
from wizard.roster.sources import Source
from wizard.roster.staging import Staged, build_staged
from wizard.roster.tabular import InputSummary, read_source, summarise
from wizard.tasks import CancelToken, ProgressCallback

INACTIVE = ("tobedeleted", "inactive")
PERSON_COLUMNS = {
    "givenName": "First_name",
    "familyName": "Last_name",
    "middleName": "Middle_name",
    "username": "Username",
    "password": "Password",
}
KIND_COLUMNS = {
    "students": ("Student_id", {"identifier": "Student_number", "email": "Student_email"}),
    "teachers": ("Teacher_id", {"identifier": "Teacher_number", "email": "Teacher_email"}),
    "staff": ("Staff_id", {"email": "Staff_email"}),
}
# per family: the header a concept has in its files
NAMES = {
    "oneroster": {
        "class_school": "schoolSourcedId",
        "class_terms": "termSourcedIds",
        "course_code": "courseCode",
        "course_grades": "grades",
        "course_subjects": "subjects",
        "demographics_id": "sourcedId",
    },
    "sds": {
        "class_school": "orgSourcedId",
        "class_terms": "sessionSourcedIds",
        "course_code": "code",
        "course_grades": "grade",
        "course_subjects": "subject",
        "demographics_id": "userSourcedId",
    },
}


@dataclass
class StandardSet:
    """The files of one set, read, with each standard header resolved to the header the file really has."""

    format: standards.StandardFormat
    log: IssueLog
    raws: dict[str, RawTable] = field(default_factory=dict)
    headers: dict[str, dict[str, str]] = field(default_factory=dict)  # key -> standard header -> real header

    @property
    def family(self) -> str:
        return self.format.family

    def names(self, concept: str) -> str:
        return NAMES[self.family][concept]

    def has(self, key: str) -> bool:
        return key in self.raws

    def name(self, key: str) -> str:
        if key in self.raws:
            return self.raws[key].name
        entry = self.format.files.get(key)
        return entry.name if entry is not None else f"{key}.csv"

    def add(self, key: str, raw: RawTable) -> None:
        """Keep `raw` as the file `key`; resolve its headers and say what drifted from the standard."""
        self.raws[key] = raw
        entry = self.format.files[key]
        real = [str(header) for header in raw.frame.columns]
        by_token: dict[str, str] = {}
        for header in real:
            by_token.setdefault(spec.normalise_token(header), header)
        resolved: dict[str, str] = {}
        renamed: list[str] = []
        for column in entry.columns:
            if column in real:
                resolved[column] = column
                continue
            for token in (spec.normalise_token(column), *entry.aliases.get(column, ())):
                found = by_token.get(token)
                if found is not None and found not in resolved.values():
                    resolved[column] = found
                    renamed.append(f"'{found}' as {column}")
                    break
        self.headers[key] = resolved
        used = set(resolved.values())
        extra = [header for header in real if header not in used]
        frame = raw.frame
        empty_extra = [header for header in extra if not (frame[header].str.strip() != "").any()]
        unknown = [header for header in extra if header not in empty_extra]
        notes: list[str] = []
        if raw.name.rsplit("/", 1)[-1] != entry.name:
            notes.append(f"the file is named {raw.name}, not {entry.name} (names are case-sensitive)")
        if renamed:
            notes.append("headers not spelled as the standard has them were read: " + ", ".join(renamed))
        if empty_extra:
            notes.append(f"{len(empty_extra)} extra empty column(s) were ignored")
        if unknown:
            notes.append(
                "columns that are not part of the standard were not used: " + ", ".join(map(repr, unknown))
            )
        if notes:
            self.log.add(
                "nonconformant_input",
                raw.name,
                f"{raw.name} departs from {self.format.name}, and was read leniently: "
                + "; ".join(notes)
                + ".",
            )

    def column(self, key: str, column: str) -> pd.Series:
        """The trimmed column (as resolved by `add`), or empty text when the file lacks it."""
        frame = self.raws[key].frame
        header = self.headers.get(key, {}).get(column)
        if header is None and column in frame.columns:
            header = column
        if header is not None:
            return frame[header].str.strip()
        return empty_text(len(frame), frame.index)

    def has_column(self, key: str, column: str) -> bool:
        return column in self.headers.get(key, {}) or column in self.raws[key].frame.columns

    def header(self, key: str, column: str) -> str:
        """The header the file really has for a standard column (for reports)."""
        return self.headers.get(key, {}).get(column, column)

    def active(self, key: str) -> np.ndarray:
        """Rows not marked tobedeleted (or 1.0's inactive); the others are reported and left out."""
        status = self.column(key, "status").str.lower()
        inactive = status.isin(INACTIVE).to_numpy(dtype=bool)
        if inactive.any():
            frame = self.raws[key].frame
            id_column = "sourcedId" if self.has_column(key, "sourcedId") else "userSourcedId"
            ids = self.column(key, id_column)[inactive]
            self.log.add_bulk(
                "inactive_record_skipped",
                file=self.name(key),
                rows=frame.index[inactive].to_numpy(),
                column=self.header(key, "status"),
                values=status[inactive],
                messages=("record " + ids + " has status " + status[inactive]).add(
                    "; only active records go to the hub, so it is left out."
                ),
            )
        return ~inactive


def stage_standard(
    format_id: str,
    sources: list[Source],
    *,
    log: IssueLog,
    inputs: list[InputSummary],
    used: MappingSpec,
    progress: ProgressCallback,
    cancel: CancelToken | None,
) -> dict[str, list[Staged]]:
    """Read a OneRoster 1.1 / 1.2 or SDS v2.1 set and convert it to hub tables (the format is `format_id`)."""
    bundle = StandardSet(standards.standard(format_id), log)
    ignored: list[str] = []
    for index, source in enumerate(sources):
        if cancel is not None:
            cancel.raise_if_cancelled()
        progress(index, len(sources), f"Reading {source.name}")
        if source.stem in bundle.format.ignored:
            ignored.append(source.name)
            continue
        if source.stem not in bundle.format.files:
            log.add(
                "unused_input",
                source.name,
                f"{source.name} is not a {bundle.format.name} roster file, so it is not used.",
            )
            continue
        raw = read_source(source, log)
        if raw is not None:
            bundle.add(source.stem, raw)
    if ignored:
        log.add(
            "unused_input",
            ignored[0],
            f"The set's gradebook and other non-roster files ({', '.join(ignored)}) hold no roster data for the "
            "hub, so they were not read.",
        )
    if bundle.family == "oneroster":
        _check_manifest(bundle)
    bundle.raws.pop("manifest", None)
    _drop_unusable(bundle)
    for key, raw in bundle.raws.items():
        inputs.append(summarise(raw, bundle.format.files[key].feeds))
    staged: dict[str, list[Staged]] = {}
    school_ids = pd.Series([], dtype="str")
    if bundle.has("orgs"):
        schools = _schools(bundle)
        staged["schools"] = [schools]
        school_ids = schools.frame["School_id"]
        used.files[bundle.name("orgs")] = FileMapping(
            "schools", {"sourcedId": "School_id", "name": "School_name", "identifier": "School_number"}
        )
    if bundle.has("users"):
        for kind, table in _people(bundle, school_ids).items():
            staged[kind] = [table]
        used.files[bundle.name("users")] = FileMapping(
            "students",
            {"sourcedId": "Student_id", "identifier": "Student_number", "email": "Student_email"}
            | PERSON_COLUMNS,
        )
    if bundle.has("classes"):
        staged["sections"] = [_sections(bundle)]
    if bundle.has("enrollments"):
        staged["enrollments"] = [_enrollments(bundle, staged.get("sections", [None])[0])]
    progress(len(sources), len(sources), "Files read")
    return staged


def _drop_unusable(bundle: StandardSet) -> None:
    for key in list(bundle.raws):
        entry = bundle.format.files[key]
        missing = [column for column in entry.needed if not bundle.has_column(key, column)]
        if missing:
            bundle.log.add(
                "missing_column",
                bundle.name(key),
                f"{bundle.name(key)} lacks {', '.join(missing)}, which {bundle.format.name} requires; the file "
                "cannot be used. Export the set again from your SIS.",
                column=", ".join(missing),
            )
            del bundle.raws[key]


def _check_manifest(bundle: StandardSet) -> None:
    log = bundle.log
    if not bundle.has("manifest"):
        log.add(
            "nonconformant_input",
            "manifest.csv",
            f"The OneRoster set has no manifest.csv; the files were read by their names as {bundle.format.name}.",
        )
        return
    manifest = bundle.raws["manifest"]
    columns = list(manifest.frame.columns)
    if len(columns) < 2:
        log.add("nonconformant_input", manifest.name, "manifest.csv needs the columns propertyName,value.")
        return
    keys = manifest.frame[columns[0]].str.strip().str.lower()
    values = manifest.frame[columns[1]].str.strip()
    properties = dict(zip(keys, values.str.lower(), strict=True))
    version = properties.get("oneroster.version", "")
    if version != bundle.format.version:
        log.add(
            "nonconformant_input",
            manifest.name,
            f"manifest.csv says oneroster.version {version or '(none)'}; it was read as {bundle.format.name}.",
            column="oneroster.version",
            value=version,
        )
    delta = sorted(
        key.removeprefix("file.") + ".csv"
        for key, mode in properties.items()
        if key.startswith("file.") and mode == "delta"
    )
    if delta:
        raise UsageError(
            f"{manifest.name} marks {', '.join(delta)} as delta: a delta set holds only the changes since the "
            "last export, and the hub needs the full roster.",
            "Export a bulk (full) OneRoster set from your SIS and give that instead.",
        )
    for key, entry in bundle.format.files.items():
        if key == "manifest":
            continue
        mode = properties.get(f"file.{entry.name[:-4].lower()}", "")
        if mode == "bulk" and not bundle.has(key):
            log.add(
                "missing_file",
                entry.name,
                f"manifest.csv lists {entry.name} as bulk, but the set has no such file. Export the set again.",
            )


def _schools(bundle: StandardSet) -> Staged:
    kinds = bundle.column("orgs", "type")
    active = bundle.active("orgs")
    is_school = (kinds.str.lower() == "school").to_numpy()
    keep = active & is_school
    others = active & ~is_school
    if others.any():
        counts = kinds[others].replace("", "(no type)").value_counts()
        listed = ", ".join(f"{kind}: {count:,}" for kind, count in counts.items())
        bundle.log.add(
            "not_hub_records",
            bundle.name("orgs"),
            f"{int(others.sum()):,} org(s) in {bundle.name('orgs')} are not schools ({listed}); the hub set has "
            "schools only, so they were left out.",
            column=bundle.header("orgs", "type"),
        )
    frame = bundle.raws["orgs"].frame
    return build_staged(
        "schools",
        {
            "School_id": bundle.column("orgs", "sourcedId")[keep],
            "School_name": bundle.column("orgs", "name")[keep],
            "School_number": bundle.column("orgs", "identifier")[keep],
        },
        file=bundle.name("orgs"),
        rows=frame.index[keep].to_numpy(),
        source_columns={
            "School_id": bundle.header("orgs", "sourcedId"),
            "School_name": bundle.header("orgs", "name"),
            "School_number": bundle.header("orgs", "identifier"),
        },
    )


def first_of_list(values: pd.Series) -> pd.Series:
    """The first item of each comma-separated list (a regex kernel in Arrow, no Python per value)."""
    return values.astype("str").str.replace(r",.*$", "", regex=True).str.strip().fillna("")


def _role_kind(roles: pd.Series) -> pd.Series:
    """The hub kind of each role ("" for roles the hub set has no place for)."""
    tokens = roles.str.lower().str.replace(r"[^0-9a-z]", "", regex=True)
    table = standards.role_kinds()
    return lookup(
        tokens,
        pd.Series(list(table), dtype="str"),
        pd.Series(list(table.values()), dtype="str"),
    )


def _report_other_roles(bundle: StandardSet, key: str, roles: pd.Series, kinds: pd.Series) -> None:
    """One line per role with no place in the hub set (parents, guardians, ...): how many were left out."""
    other = (kinds == "") & (roles != "")
    if not other.any():
        return
    noun = "enrollment" if key == "enrollments" else "role"
    for role, count in roles[other].value_counts().items():
        where = "sections" if key == "enrollments" else "students, teachers or staff"
        bundle.log.add(
            "not_hub_records",
            bundle.name(key),
            f"{count:,} {noun}(s) in {bundle.name(key)} have the role {role!r}, which has no place among the "
            f"hub's {where}; they were left out.",
            column=bundle.header(key, "role"),
            value=str(role),
        )


@dataclass
class Memberships:
    """Who is what where: one row per (user, kind), the chosen org and grade, and the row it came from."""

    user: pd.Series
    kind: pd.Series
    role: pd.Series
    org: pd.Series
    grade: pd.Series
    file: str
    row: np.ndarray


def _memberships_from_users(bundle: StandardSet, school_ids: pd.Series) -> Memberships:
    """OneRoster 1.1: each user's one role; the first of its orgs that is a school (or its first org)."""
    active = bundle.active("users")
    roles = bundle.column("users", "role").str.lower()[active]
    kinds = _role_kind(roles)
    _report_other_roles(bundle, "users", roles, kinds)
    orgs = bundle.column("users", "orgSourcedIds")[active]
    home = _home_school(orgs, school_ids)
    only_schools = _home_school(orgs, school_ids, fallback_to_first=False)
    home = home.where(kinds != "staff", only_schools)
    keep = (kinds != "").to_numpy()
    frame = bundle.raws["users"].frame
    return Memberships(
        user=bundle.column("users", "sourcedId")[active][keep],
        kind=kinds[keep],
        role=roles[keep],
        org=home[keep],
        grade=empty_text(int(keep.sum())),
        file=bundle.name("users"),
        row=frame.index[active][keep].to_numpy(),
    )


def _memberships_from_roles(bundle: StandardSet, school_ids: pd.Series) -> Memberships:
    """OneRoster 1.2 / SDS v2.1: roles.csv. Per user and hub kind the best role: one at a school before one
    elsewhere, then the primary role (roleType primary / isPrimary true), then the user's primaryOrgSourcedId,
    then file order. A student or teacher with roles at several schools is told which school was kept."""
    active = bundle.active("roles")
    frame = bundle.raws["roles"].frame
    roles = bundle.column("roles", "role")[active]
    kinds = _role_kind(roles)
    _report_other_roles(bundle, "roles", roles, kinds)
    users = bundle.column("roles", "userSourcedId")[active]
    orgs = bundle.column("roles", "orgSourcedId")[active]
    primary = (
        (bundle.column("roles", "roleType").str.lower() == "primary")
        | (bundle.column("roles", "isPrimary").str.lower().isin(("true", "1", "yes", "y")))
    )[active]
    primary_org = lookup(
        users, bundle.column("users", "sourcedId"), bundle.column("users", "primaryOrgSourcedId")
    )
    table = pd.DataFrame(
        {
            "user": users.to_numpy(),
            "kind": kinds.to_numpy(),
            "role": roles.to_numpy(),
            "org": orgs.to_numpy(),
            "grade": bundle.column("roles", "grade")[active].to_numpy(),
            "row": frame.index[active].to_numpy(),
            "not_school": ~isin(orgs, school_ids),
            "not_primary": ~primary.to_numpy(dtype=bool),
            "not_primary_org": (orgs != primary_org).to_numpy(),
        }
    )
    table = table[(table["kind"] != "") & (table["user"] != "")]
    table = table.sort_values(["not_school", "not_primary", "not_primary_org", "row"], kind="stable")
    chosen = table.drop_duplicates(["user", "kind"], keep="first")
    _report_several_schools(bundle, table, chosen)
    chosen = chosen.sort_values("row", kind="stable")
    org = chosen["org"].where(~(chosen["not_school"] & (chosen["kind"] == "staff")), "")
    return Memberships(
        user=pd.Series(chosen["user"].to_numpy(), dtype="str"),
        kind=pd.Series(chosen["kind"].to_numpy(), dtype="str"),
        role=pd.Series(chosen["role"].to_numpy(), dtype="str"),
        org=pd.Series(org.to_numpy(), dtype="str"),
        grade=pd.Series(chosen["grade"].to_numpy(), dtype="str"),
        file=bundle.name("roles"),
        row=chosen["row"].to_numpy(),
    )


def _report_several_schools(bundle: StandardSet, table: pd.DataFrame, chosen: pd.DataFrame) -> None:
    at_schools = table[~table["not_school"] & table["kind"].isin(("students", "teachers"))]
    schools = at_schools.drop_duplicates(["user", "kind", "org"])
    counts = schools.groupby(["user", "kind"], sort=False)["org"].transform("size")
    extra = schools[(counts > 1).to_numpy()]
    kept = chosen.set_index(["user", "kind"])["org"]
    keys = pd.MultiIndex.from_frame(extra[["user", "kind"]])
    kept_org = pd.Series(kept.reindex(keys).to_numpy(), dtype="str")
    extra = extra[(extra["org"].to_numpy() != kept_org.to_numpy())]
    if extra.empty:
        return
    kept_org = pd.Series(
        kept.reindex(pd.MultiIndex.from_frame(extra[["user", "kind"]])).to_numpy(), dtype="str"
    )
    noun = pd.Series(np.where(extra["kind"] == "students", "student", "teacher"), dtype="str")
    user = pd.Series(extra["user"].to_numpy(), dtype="str")
    org = pd.Series(extra["org"].to_numpy(), dtype="str")
    bundle.log.add_bulk(
        "several_schools",
        file=bundle.name("roles"),
        rows=extra["row"].to_numpy(),
        column=bundle.header("roles", "orgSourcedId"),
        values=org,
        messages=(noun + " " + user + " also has a role at school " + org + "; the hub lists a " + noun)
        .add(" under one school, so it is listed under " + kept_org + " (its primary school)")
        .add(
            pd.Series(np.where(noun == "teacher", ", and may still teach sections there.", "."), dtype="str")
        ),
    )


def _home_school(org_lists: pd.Series, school_ids: pd.Series, *, fallback_to_first: bool = True) -> pd.Series:
    """The first org of each user that is a school; else the first org, so the reference gets reported
    (or "" for district staff, whose School_id is optional)."""
    exploded = org_lists.str.split(",").explode().fillna("").str.strip()
    schools = exploded[isin(exploded, school_ids)]
    first_school = schools[~schools.index.duplicated(keep="first")]
    fallback = first_of_list(org_lists) if fallback_to_first else ""
    return first_school.reindex(org_lists.index).fillna(fallback).astype("str")


def _people(bundle: StandardSet, school_ids: pd.Series) -> dict[str, Staged]:
    from_roles = bundle.family == "sds" or bundle.format.id == standards.ONEROSTER_12
    if from_roles and not bundle.has("roles") and bundle.has_column("users", "role"):
        bundle.log.add(
            "nonconformant_input",
            bundle.name("users"),
            f"The set has no roles.csv, but {bundle.name('users')} has a role column as in OneRoster 1.1; "
            "each user's role and school were read from it.",
        )
        from_roles = False
    if from_roles and not bundle.has("roles"):
        bundle.log.add(
            "missing_file",
            "roles.csv",
            f"{bundle.format.name} gives each user's role and school in roles.csv, and the set has none, so no "
            "student, teacher or staff member can be placed. Export the set again with roles.csv.",
        )
        return {}
    memberships = (
        _memberships_from_roles(bundle, school_ids)
        if from_roles
        else _memberships_from_users(bundle, school_ids)
    )
    active = bundle.active("users") if from_roles else np.ones(len(bundle.raws["users"].frame), dtype=bool)
    user_ids = bundle.column("users", "sourcedId")
    if from_roles:
        _report_roles_without_users(bundle, memberships, user_ids, active)
        _report_users_without_roles(bundle, memberships, user_ids, active)
    frame = bundle.raws["users"].frame
    active_positions = np.flatnonzero(active)
    active_ids = user_ids[active]
    people: dict[str, Staged] = {}
    for kind, (id_column, extra) in KIND_COLUMNS.items():
        mine = (memberships.kind == kind).to_numpy()
        if kind == "staff" and not mine.any():
            continue
        found = pc.index_in(arrow(memberships.user[mine]), value_set=arrow(active_ids).combine_chunks())
        index = np.asarray(found.to_numpy(zero_copy_only=False))
        located = ~pd.isna(index)
        positions = active_positions[index[located].astype(np.int64)]
        order = np.argsort(positions, kind="stable")
        positions = positions[order]

        chosen = np.flatnonzero(located)[order]  # membership rows, in the order of `positions`

        def picked(values: pd.Series, chosen: np.ndarray = chosen) -> pd.Series:
            return take(values, chosen)

        columns: dict[str, pd.Series] = {
            "School_id": picked(memberships.org[mine]),
            id_column: take(user_ids, positions),
        }
        mapping = {
            "School_id": "role's orgSourcedId" if from_roles else bundle.header("users", "orgSourcedIds"),
            id_column: bundle.header("users", "sourcedId"),
        }
        for header, target in (PERSON_COLUMNS | extra).items():
            columns[target] = take(bundle.column("users", header), positions)
            mapping[target] = bundle.header("users", header)
        if kind == "students":
            grades = take(first_of_list(bundle.column("users", "grades")), positions)
            role_grade = picked(memberships.grade[mine])
            columns["Grade"] = grades.where(grades != "", role_grade)
            mapping["Grade"] = (
                bundle.header("users", "grades") if bundle.has_column("users", "grades") else "grade"
            )
        if kind == "staff":
            columns["Role"] = picked(memberships.role[mine])
            mapping["Role"] = "role"
        table = build_staged(
            kind,
            columns,
            file=bundle.name("users"),
            rows=frame.index[positions].to_numpy(),
            source_columns=mapping,
        )
        if kind == "students" and bundle.has("demographics"):
            _add_demographics(table, bundle)
        people[kind] = table
    return people


def take(values: pd.Series, positions: np.ndarray) -> pd.Series:
    """The values at `positions` (a text Series with a RangeIndex), taken in Arrow without a Python object."""
    return from_arrow(pc.take(arrow(values), pa.array(positions, pa.int64())))


def _report_roles_without_users(
    bundle: StandardSet, memberships: Memberships, user_ids: pd.Series, active: np.ndarray
) -> None:
    unknown = ~isin(memberships.user, user_ids)
    if not unknown.any():
        return
    users = memberships.user[unknown]
    bundle.log.add_bulk(
        "unknown_reference",
        file=memberships.file,
        rows=memberships.row[unknown],
        column=bundle.header("roles", "userSourcedId"),
        values=users,
        messages=("userSourcedId '" + users).add(
            f"' names no user in {bundle.name('users')}; the role is left out. Add the user or correct the id."
        ),
    )


def _report_users_without_roles(
    bundle: StandardSet, memberships: Memberships, user_ids: pd.Series, active: np.ndarray
) -> None:
    roles = bundle.column("roles", "userSourcedId")
    without = active & ~isin(user_ids, roles)
    if not without.any():
        return
    ids = user_ids[without]
    bundle.log.add_bulk(
        "user_without_role",
        file=bundle.name("users"),
        rows=bundle.raws["users"].frame.index[without].to_numpy(),
        column=bundle.header("users", "sourcedId"),
        values=ids,
        messages=("user " + ids).add(
            f" has no role in {bundle.name('roles')}, so it is not a student, teacher or staff member in the hub "
            "set. Add its role if it should be."
        ),
    )


_DEMOGRAPHIC_HEADERS = {
    "oneroster": {
        "DOB": "birthDate",
        "Gender": "sex",
        "Race": "race columns",
        "Hispanic_Latino": "hispanicOrLatinoEthnicity",
    },
    "sds": {"DOB": "birthDate", "Gender": "sex", "Race": "raceCodes", "Hispanic_Latino": "ethnicityCodes"},
}


def _demographics(bundle: StandardSet) -> tuple[pd.Series, pd.DataFrame, np.ndarray]:
    """(student ids, DOB / Gender / Race / Hispanic_Latino) from demographics.csv, in either family's shape."""
    keep = bundle.active("demographics")
    key = bundle.names("demographics_id")
    ids = bundle.column("demographics", key)[keep]
    race_columns = standards.race_codes()
    two_or_more = race_columns["Two or More Races"]
    single = {race: code for race, code in race_columns.items() if code != two_or_more}
    if bundle.family == "sds":
        codes = bundle.column("demographics", "raceCodes")[keep].str.lower().str.replace(" ", "")
        listed = "," + codes + ","
        flags = {
            race: listed.str.contains("," + code.lower() + ",", regex=False) for race, code in single.items()
        }
        many = listed.str.contains("," + two_or_more.lower() + ",", regex=False)
        ethnicity = bundle.column("demographics", "ethnicityCodes")[keep].str.lower()
        first = first_of_list(ethnicity).str.replace(r"[^0-9a-z]", "", regex=True)
        spellings = standards.ethnicity_spellings()
        hispanic = lookup(
            first, pd.Series(list(spellings), dtype="str"), pd.Series(list(spellings.values()), dtype="str")
        )
        sex = bundle.column("demographics", "sex")[keep]
        empty_sex = (
            sex.str.lower().str.replace(r"[^0-9a-z]", "", regex=True).isin(standards.empty_sex_values())
        )
        sex = sex.where(~empty_sex, "")
    else:
        flags = {
            race: bundle.column("demographics", code)[keep].str.lower() == "true"
            for race, code in single.items()
        }
        many = bundle.column("demographics", two_or_more)[keep].str.lower() == "true"
        answer = bundle.column("demographics", "hispanicOrLatinoEthnicity")[keep].str.lower()
        hispanic = answer.map({"true": "Y", "false": "N"}).fillna("").astype("str")
        sex = bundle.column("demographics", "sex")[keep]
    count = sum((flag.astype(int) for flag in flags.values()), pd.Series(0, index=ids.index))
    race = empty_text(len(ids), ids.index)
    for written, flag in flags.items():
        race = race.where(~(flag & (count == 1)), written)
    race = race.where(~((count > 1) | many), "Two or More Races")
    derived = pd.DataFrame(
        {
            "DOB": bundle.column("demographics", "birthDate")[keep].to_numpy(),
            "Gender": sex.to_numpy(),
            "Race": race.to_numpy(),
            "Hispanic_Latino": hispanic.to_numpy(),
        },
        dtype="str",
    )
    rows = bundle.raws["demographics"].frame.index[keep].to_numpy()
    return pd.Series(ids.to_numpy(), dtype="str"), derived, rows


def _add_demographics(students: Staged, bundle: StandardSet) -> None:
    """Birth date, sex, race and ethnicity, joined on the student's sourcedId."""
    derived_ids, derived, rows = _demographics(bundle)
    student_ids = students.frame["Student_id"]
    # a problem in a joined value names demographics.csv and its row (the student's own row if it has none)
    found = pc.index_in(arrow(student_ids), value_set=arrow(derived_ids).combine_chunks())
    position = np.asarray(found.to_numpy(zero_copy_only=False), dtype="float64")
    joined = ~np.isnan(position)
    own_rows = students.row.fillna(0).to_numpy(dtype=np.int64)
    joined_rows = rows[np.where(joined, position, 0).astype(np.int64)] if len(rows) else own_rows
    files = students.file.where(~joined, bundle.name("demographics"))
    origin_rows = pd.Series(pd.array(np.where(joined, joined_rows, own_rows), dtype="Int64"))
    for column in derived.columns:
        students.frame[column] = lookup(student_ids, derived_ids, derived[column])
        students.present.add(column)
        students.source_columns[column] = bundle.header(
            "demographics", _DEMOGRAPHIC_HEADERS[bundle.family][column]
        )
        students.cell_origins[column] = (files, origin_rows)


def _lookup(bundle: StandardSet, key: str, ids: pd.Series, column: str) -> pd.Series:
    """`column` of the `key` record each id names ("" when the file or the record is missing)."""
    if not bundle.has(key):
        return empty_text(len(ids), ids.index)
    return lookup(ids, bundle.column(key, "sourcedId"), bundle.column(key, column))


def _sections(bundle: StandardSet) -> Staged:
    keep = bundle.active("classes")
    frame = bundle.raws["classes"].frame
    school_column, terms_column = bundle.names("class_school"), bundle.names("class_terms")
    course = bundle.column("classes", "courseSourcedId")[keep]
    term = first_of_list(bundle.column("classes", terms_column)[keep])
    _report_unresolved(bundle, "courseSourcedId", course, "courses", "course")
    _report_unresolved(bundle, terms_column, term, "academicsessions", "term")
    grade = first_of_list(bundle.column("classes", "grades")[keep])
    course_grade = first_of_list(_lookup(bundle, "courses", course, bundle.names("course_grades")))
    subject = first_of_list(bundle.column("classes", "subjects")[keep])
    course_subject = first_of_list(_lookup(bundle, "courses", course, bundle.names("course_subjects")))
    sections = build_staged(
        "sections",
        {
            "School_id": bundle.column("classes", school_column)[keep],
            "Section_id": bundle.column("classes", "sourcedId")[keep],
            "Name": bundle.column("classes", "title")[keep],
            "Section_number": bundle.column("classes", "classCode")[keep],
            "Grade": grade.where(grade != "", course_grade),
            "Period": bundle.column("classes", "periods")[keep],
            "Subject": subject.where(subject != "", course_subject),
            "Course_name": _lookup(bundle, "courses", course, "title"),
            "Course_number": _lookup(bundle, "courses", course, bundle.names("course_code")),
            "Term_name": _lookup(bundle, "academicsessions", term, "title"),
            "Term_start": _lookup(bundle, "academicsessions", term, "startDate"),
            "Term_end": _lookup(bundle, "academicsessions", term, "endDate"),
        },
        file=bundle.name("classes"),
        rows=frame.index[keep].to_numpy(),
        source_columns={
            "School_id": bundle.header("classes", school_column),
            "Section_id": bundle.header("classes", "sourcedId"),
            "Name": bundle.header("classes", "title"),
            "Section_number": bundle.header("classes", "classCode"),
            "Grade": bundle.header("classes", "grades"),
            "Period": bundle.header("classes", "periods"),
            "Subject": bundle.header("classes", "subjects"),
            "Course_name": bundle.header("classes", "courseSourcedId"),
            "Course_number": bundle.header("classes", "courseSourcedId"),
            "Term_name": bundle.header("classes", terms_column),
            "Term_start": bundle.header("classes", terms_column),
            "Term_end": bundle.header("classes", terms_column),
        },
    )
    sections.derived.update({"Course_name", "Course_number", "Term_name", "Term_start", "Term_end"})
    assign_teachers(
        sections,
        _teacher_pairs(bundle),
        bundle.name("enrollments"),
        (
            bundle.header("enrollments", "classSourcedId") if bundle.has("enrollments") else "classSourcedId",
            bundle.header("enrollments", "userSourcedId") if bundle.has("enrollments") else "userSourcedId",
        ),
        bundle.log,
    )
    return sections


def _report_unresolved(bundle: StandardSet, column: str, ids: pd.Series, target: str, noun: str) -> None:
    """A class naming a course or term that is not in the set: its Course_*/Term_* stay empty (a warning)."""
    filled = (ids != "").to_numpy()
    if bundle.has(target):
        known = isin(ids, bundle.column(target, "sourcedId"))
    else:
        known = np.zeros(len(ids), dtype=bool)
    missing = filled & ~known
    if not missing.any():
        return
    class_ids = bundle.column("classes", "sourcedId")[ids.index][missing]
    header = bundle.header("classes", column)
    bundle.log.add_bulk(
        "unknown_optional_reference",
        file=bundle.name("classes"),
        rows=ids.index[missing].to_numpy(),
        column=header,
        values=ids[missing],
        messages=("class " + class_ids + f": {header} '" + ids[missing]).add(
            f"' names no {noun} in {bundle.name(target)}; the section's {noun} columns are left empty. "
            f"Add the {noun} to the set if apps need it."
        ),
    )


def _teacher_pairs(bundle: StandardSet) -> pd.DataFrame:
    """(section, teacher, row) of teacher enrollments, primary=true first, then in file order."""
    if not bundle.has("enrollments"):
        return pd.DataFrame({"section": [], "teacher": [], "row": []})
    keep = (
        bundle.active("enrollments")
        & (bundle.column("enrollments", "role").str.lower() == "teacher").to_numpy()
    )
    frame = bundle.raws["enrollments"].frame
    primary = (bundle.column("enrollments", "primary").str.lower() == "true")[keep]
    pairs = pd.DataFrame(
        {
            "section": bundle.column("enrollments", "classSourcedId")[keep].to_numpy(),
            "teacher": bundle.column("enrollments", "userSourcedId")[keep].to_numpy(),
            "row": frame.index[keep].to_numpy(),
            "order": np.where(primary.to_numpy(dtype=bool), 0, 1),
        }
    )
    return pairs.sort_values(["order", "row"], kind="stable").drop(columns="order")


def _enrollments(bundle: StandardSet, sections: Staged | None) -> Staged:
    roles = bundle.column("enrollments", "role").str.lower()
    active = bundle.active("enrollments")
    other = active & ~roles.isin(("student", "teacher")).to_numpy()
    _report_other_roles(bundle, "enrollments", roles[other], empty_text(int(other.sum()), roles[other].index))
    keep = active & (roles == "student").to_numpy()
    frame = bundle.raws["enrollments"].frame
    section_ids = bundle.column("enrollments", "classSourcedId")[keep]
    columns = {
        "Section_id": section_ids,
        "Student_id": bundle.column("enrollments", "userSourcedId")[keep],
    }
    source_columns = {
        "Section_id": bundle.header("enrollments", "classSourcedId"),
        "Student_id": bundle.header("enrollments", "userSourcedId"),
    }
    derived = False
    if bundle.has_column("enrollments", "schoolSourcedId"):
        columns["School_id"] = bundle.column("enrollments", "schoolSourcedId")[keep]
        source_columns["School_id"] = bundle.header("enrollments", "schoolSourcedId")
    elif sections is not None:
        columns["School_id"] = lookup(section_ids, sections.frame["Section_id"], sections.frame["School_id"])
        source_columns["School_id"] = f"{bundle.names('class_school')} (from {bundle.name('classes')})"
        derived = True
    table = build_staged(
        "enrollments",
        columns,
        file=bundle.name("enrollments"),
        rows=frame.index[keep].to_numpy(),
        source_columns=source_columns,
    )
    if derived:
        table.derived.add("School_id")
    return table


__all__ = ["StandardSet", "first_of_list", "stage_standard"]
