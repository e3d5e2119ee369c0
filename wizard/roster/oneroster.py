"""OneRoster 1.1 CSV (zip or folder) -> hub tables.

orgs of type school -> schools; users by role -> students / teachers / staff (administrators); classes +
courses + academicSessions -> sections (Course_*, Term_*); enrollments with role student -> enrollments, with
role teacher -> Teacher_id (primary=true first) and Teacher_2_id ...; demographics -> students (sex, race,
ethnicity, birth date). A set that breaks the standard is reported, never a crash.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from wizard.roster.arrowtext import empty_text, isin, lookup
from wizard.roster.issues import IssueLog
from wizard.roster.mapping import FileMapping, MappingSpec
from wizard.roster.readers import RawTable
from wizard.roster.sds import assign_teachers
from wizard.roster.sources import Source
from wizard.roster.staging import Staged, build_staged
from wizard.roster.tabular import InputSummary, read_source, summarise
from wizard.tasks import CancelToken, ProgressCallback

FILES = {
    "manifest": "manifest.csv",
    "orgs": "orgs.csv",
    "users": "users.csv",
    "classes": "classes.csv",
    "courses": "courses.csv",
    "enrollments": "enrollments.csv",
    "academicsessions": "academicSessions.csv",
    "demographics": "demographics.csv",
}
# the columns without which a file cannot be converted at all
NEEDED = {
    "orgs": ("sourcedId", "name", "type"),
    "users": ("sourcedId", "role", "orgSourcedIds"),
    "classes": ("sourcedId", "schoolSourcedId"),
    "courses": ("sourcedId",),
    "enrollments": ("classSourcedId", "userSourcedId", "role"),
    "academicsessions": ("sourcedId",),
    "demographics": ("sourcedId",),
}
RACE_COLUMNS = {
    "americanIndianOrAlaskaNative": "American Indian",
    "asian": "Asian",
    "blackOrAfricanAmerican": "Black or African American",
    "nativeHawaiianOrOtherPacificIslander": "Hawaiian or Other Pacific Islander",
    "white": "Caucasian",
}
INACTIVE = ("tobedeleted", "inactive")
PERSON_COLUMNS = {
    "givenName": "First_name",
    "familyName": "Last_name",
    "middleName": "Middle_name",
    "username": "Username",
    "password": "Password",
}


class OneRosterSet:
    """The files of one set, read, with helpers that tolerate absent columns and report what they skip."""

    def __init__(self, log: IssueLog) -> None:
        self.log = log
        self.raws: dict[str, RawTable] = {}

    def has(self, key: str) -> bool:
        return key in self.raws

    def name(self, key: str) -> str:
        return self.raws[key].name if key in self.raws else FILES[key]

    def column(self, key: str, column: str) -> pd.Series:
        """The trimmed column (matched exactly, else ignoring case), or empty text when absent."""
        frame = self.raws[key].frame
        if column not in frame.columns:
            by_lower = {str(header).lower(): header for header in frame.columns}
            column = by_lower.get(column.lower(), column)
        if column in frame.columns:
            return frame[column].str.strip()
        return empty_text(len(frame), frame.index)

    def has_column(self, key: str, column: str) -> bool:
        headers = {str(header).lower() for header in self.raws[key].frame.columns}
        return column.lower() in headers

    def active(self, key: str) -> np.ndarray:
        """Rows not marked tobedeleted (or 1.0's inactive); the others are reported and left out."""
        status = self.column(key, "status").str.lower()
        inactive = status.isin(INACTIVE).to_numpy(dtype=bool)
        if inactive.any():
            frame = self.raws[key].frame
            ids = self.column(key, "sourcedId")[inactive]
            self.log.add_bulk(
                "inactive_record_skipped",
                file=self.name(key),
                rows=frame.index[inactive].to_numpy(),
                column="status",
                values=status[inactive],
                messages=("record " + ids + " has status " + status[inactive]).add(
                    "; only active records go to the hub, so it is left out."
                ),
            )
        return ~inactive


def stage_oneroster(
    sources: list[Source],
    *,
    log: IssueLog,
    inputs: list[InputSummary],
    used: MappingSpec,
    progress: ProgressCallback,
    cancel: CancelToken | None,
) -> dict[str, list[Staged]]:
    bundle = OneRosterSet(log)
    for index, source in enumerate(sources):
        if cancel is not None:
            cancel.raise_if_cancelled()
        progress(index, len(sources), f"Reading {source.name}")
        if source.stem not in FILES:
            log.add(
                "unused_input", source.name, f"{source.name} is not a OneRoster 1.1 file, so it is not used."
            )
            continue
        raw = read_source(source, log)
        if raw is None:
            continue
        bundle.raws[source.stem] = raw
    _check_manifest(bundle)
    for key, needed in NEEDED.items():
        if bundle.has(key):
            missing = [column for column in needed if not bundle.has_column(key, column)]
            if missing:
                log.add(
                    "missing_column",
                    bundle.name(key),
                    f"{bundle.name(key)} lacks {', '.join(missing)}, which OneRoster 1.1 requires; the file "
                    "cannot be used. Export the set again from your SIS.",
                    column=", ".join(missing),
                )
                del bundle.raws[key]
    for key, raw in bundle.raws.items():
        if key != "manifest":
            inputs.append(summarise(raw, _feeds(key)))
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
            {
                "sourcedId": "Student_id",
                "identifier": "Student_number",
                "email": "Student_email",
                "grades": "Grade",
            }
            | PERSON_COLUMNS,
        )
    if bundle.has("classes"):
        staged["sections"] = [_sections(bundle)]
    if bundle.has("enrollments"):
        staged["enrollments"] = [_enrollments(bundle)]
    progress(len(sources), len(sources), "Files read")
    return staged


def _feeds(key: str) -> str:
    return {
        "orgs": "schools",
        "users": "students, teachers, staff",
        "classes": "sections",
        "courses": "sections",
        "academicsessions": "sections",
        "enrollments": "enrollments, sections",
        "demographics": "students",
    }.get(key, "")


def _check_manifest(bundle: OneRosterSet) -> None:
    log = bundle.log
    if not bundle.has("manifest"):
        log.add(
            "nonconformant_input",
            "manifest.csv",
            "The OneRoster set has no manifest.csv; the files were read by their names as OneRoster 1.1.",
        )
        return
    manifest = bundle.raws.pop("manifest")
    columns = list(manifest.frame.columns)
    if len(columns) < 2:
        log.add("nonconformant_input", manifest.name, "manifest.csv needs the columns propertyName,value.")
        return
    properties = dict(
        zip(
            manifest.frame[columns[0]].str.strip(),
            manifest.frame[columns[1]].str.strip().str.lower(),
            strict=True,
        )
    )
    version = properties.get("oneroster.version", "")
    if version != "1.1":
        log.add(
            "nonconformant_input",
            manifest.name,
            f"manifest.csv says oneroster.version {version or '(none)'}; it was read as OneRoster 1.1.",
            column="oneroster.version",
            value=version,
        )
    for key, file_name in FILES.items():
        if key == "manifest":
            continue
        mode = properties.get(f"file.{file_name[:-4]}", properties.get(f"file.{key}", ""))
        if mode == "delta":
            log.add(
                "unsupported_input",
                bundle.name(key),
                f"manifest.csv marks {file_name} as delta; the hub needs the full data set. Export a bulk set.",
                column=f"file.{file_name[:-4]}",
                value=mode,
            )
            bundle.raws.pop(key, None)
        elif mode == "bulk" and not bundle.has(key):
            log.add(
                "missing_file",
                file_name,
                f"manifest.csv lists {file_name} as bulk, but the set has no such file. Export the set again.",
            )


def _schools(bundle: OneRosterSet) -> Staged:
    kinds = bundle.column("orgs", "type").str.lower()
    keep = bundle.active("orgs") & (kinds == "school").to_numpy()
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
        source_columns={"School_id": "sourcedId", "School_name": "name", "School_number": "identifier"},
    )


def _first_of_list(values: pd.Series) -> pd.Series:
    return values.str.split(",").str[0].fillna("").str.strip().astype("str")


def _home_school(org_lists: pd.Series, school_ids: pd.Series, *, fallback_to_first: bool = True) -> pd.Series:
    """The first org of each user that is a school; else the first org, so the reference gets reported
    (or "" for district staff, whose School_id is optional)."""
    exploded = org_lists.str.split(",").explode().fillna("").str.strip()
    schools = exploded[isin(exploded, school_ids)]
    first_school = schools[~schools.index.duplicated(keep="first")]
    fallback = _first_of_list(org_lists) if fallback_to_first else ""
    return first_school.reindex(org_lists.index).fillna(fallback).astype("str")


def _people(bundle: OneRosterSet, school_ids: pd.Series) -> dict[str, Staged]:
    roles = bundle.column("users", "role").str.lower()
    active = bundle.active("users")
    frame = bundle.raws["users"].frame
    home = _home_school(bundle.column("users", "orgSourcedIds"), school_ids)
    name = bundle.name("users")
    people: dict[str, Staged] = {}
    for kind, role, id_column, extra in (
        (
            "students",
            "student",
            "Student_id",
            {"identifier": "Student_number", "email": "Student_email"},
        ),
        ("teachers", "teacher", "Teacher_id", {"identifier": "Teacher_number", "email": "Teacher_email"}),
        ("staff", "administrator", "Staff_id", {"email": "Staff_email"}),
    ):
        keep = active & (roles == role).to_numpy()
        if kind == "staff" and not keep.any():
            continue
        if kind == "staff":
            home = _home_school(bundle.column("users", "orgSourcedIds"), school_ids, fallback_to_first=False)
        columns = {"School_id": home[keep], id_column: bundle.column("users", "sourcedId")[keep]}
        mapping = {"School_id": "orgSourcedIds", id_column: "sourcedId"}
        for header, target in (PERSON_COLUMNS | extra).items():
            columns[target] = bundle.column("users", header)[keep]
            mapping[target] = header
        if kind == "students":
            columns["Grade"] = _first_of_list(bundle.column("users", "grades")[keep])
            mapping["Grade"] = "grades"
        if kind == "staff":
            columns["Role"] = roles[keep]
        table = build_staged(
            kind, columns, file=name, rows=frame.index[keep].to_numpy(), source_columns=mapping
        )
        if kind == "students" and bundle.has("demographics"):
            _add_demographics(table, bundle)
        people[kind] = table
    return people


def _add_demographics(students: Staged, bundle: OneRosterSet) -> None:
    """Birth date, sex, race and ethnicity from demographics.csv, joined on the student's sourcedId."""
    keep = bundle.active("demographics")
    ids = bundle.column("demographics", "sourcedId")[keep]
    flags = {
        column: bundle.column("demographics", column)[keep].str.lower() == "true" for column in RACE_COLUMNS
    }
    two_or_more = bundle.column("demographics", "demographicRaceTwoOrMoreRaces")[keep].str.lower() == "true"
    count = sum((flag.astype(int) for flag in flags.values()), pd.Series(0, index=ids.index))
    race = empty_text(len(ids), ids.index)
    for column, written in RACE_COLUMNS.items():
        race = race.where(~(flags[column] & (count == 1)), written)
    race = race.where(~((count > 1) | two_or_more), "Two or More Races")
    hispanic = bundle.column("demographics", "hispanicOrLatinoEthnicity")[keep].str.lower()
    derived = pd.DataFrame(
        {
            "DOB": bundle.column("demographics", "birthDate")[keep].to_numpy(),
            "Gender": bundle.column("demographics", "sex")[keep].to_numpy(),
            "Race": race.to_numpy(),
            "Hispanic_Latino": hispanic.map({"true": "Y", "false": "N"}).fillna("").astype("str").to_numpy(),
        },
        dtype="str",
    )
    derived_ids = pd.Series(ids.to_numpy(), dtype="str")
    student_ids = students.frame["Student_id"]
    for column in derived.columns:
        students.frame[column] = lookup(student_ids, derived_ids, derived[column])
        students.present.add(column)
        students.source_columns[column] = f"{column} ({bundle.name('demographics')})"


def _lookup(bundle: OneRosterSet, key: str, ids: pd.Series, column: str) -> pd.Series:
    """`column` of the `key` record each id names ("" when the file or the record is missing)."""
    if not bundle.has(key):
        return empty_text(len(ids), ids.index)
    return lookup(ids, bundle.column(key, "sourcedId"), bundle.column(key, column))


def _sections(bundle: OneRosterSet) -> Staged:
    keep = bundle.active("classes")
    frame = bundle.raws["classes"].frame
    course = bundle.column("classes", "courseSourcedId")[keep]
    term = _first_of_list(bundle.column("classes", "termSourcedIds")[keep])
    _report_unresolved(bundle, "classes", "courseSourcedId", course, "courses", "course")
    _report_unresolved(bundle, "classes", "termSourcedIds", term, "academicsessions", "term")
    sections = build_staged(
        "sections",
        {
            "School_id": bundle.column("classes", "schoolSourcedId")[keep],
            "Section_id": bundle.column("classes", "sourcedId")[keep],
            "Name": bundle.column("classes", "title")[keep],
            "Section_number": bundle.column("classes", "classCode")[keep],
            "Grade": _first_of_list(bundle.column("classes", "grades")[keep]),
            "Period": bundle.column("classes", "periods")[keep],
            "Subject": _first_of_list(bundle.column("classes", "subjects")[keep]),
            "Course_name": _lookup(bundle, "courses", course, "title"),
            "Course_number": _lookup(bundle, "courses", course, "courseCode"),
            "Term_name": _lookup(bundle, "academicsessions", term, "title"),
            "Term_start": _lookup(bundle, "academicsessions", term, "startDate"),
            "Term_end": _lookup(bundle, "academicsessions", term, "endDate"),
        },
        file=bundle.name("classes"),
        rows=frame.index[keep].to_numpy(),
        source_columns={
            "School_id": "schoolSourcedId",
            "Section_id": "sourcedId",
            "Name": "title",
            "Section_number": "classCode",
            "Grade": "grades",
            "Period": "periods",
            "Subject": "subjects",
            "Course_name": "courseSourcedId",
            "Course_number": "courseSourcedId",
            "Term_name": "termSourcedIds",
            "Term_start": "termSourcedIds",
            "Term_end": "termSourcedIds",
        },
    )
    sections.derived.update({"Course_name", "Course_number", "Term_name", "Term_start", "Term_end"})
    assign_teachers(
        sections,
        _teacher_pairs(bundle),
        bundle.name("enrollments"),
        ("classSourcedId", "userSourcedId"),
        bundle.log,
    )
    return sections


def _report_unresolved(
    bundle: OneRosterSet, key: str, column: str, ids: pd.Series, target: str, noun: str
) -> None:
    """A class naming a course or term that is not in the set: its Course_*/Term_* stay empty (a warning)."""
    filled = (ids != "").to_numpy()
    if bundle.has(target):
        known = isin(ids, bundle.column(target, "sourcedId"))
    else:
        known = np.zeros(len(ids), dtype=bool)
    missing = filled & ~known
    if not missing.any():
        return
    class_ids = bundle.column(key, "sourcedId")[ids.index][missing]
    bundle.log.add_bulk(
        "unknown_optional_reference",
        file=bundle.name(key),
        rows=ids.index[missing].to_numpy(),
        column=column,
        values=ids[missing],
        messages=("class " + class_ids + f": {column} '" + ids[missing]).add(
            f"' names no {noun} in {bundle.name(target)}; the section's {noun} columns are left empty. "
            f"Add the {noun} to the set if apps need it."
        ),
    )


def _teacher_pairs(bundle: OneRosterSet) -> pd.DataFrame:
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


def _enrollments(bundle: OneRosterSet) -> Staged:
    roles = bundle.column("enrollments", "role").str.lower()
    keep = bundle.active("enrollments") & (roles == "student").to_numpy()
    frame = bundle.raws["enrollments"].frame
    return build_staged(
        "enrollments",
        {
            "School_id": bundle.column("enrollments", "schoolSourcedId")[keep],
            "Section_id": bundle.column("enrollments", "classSourcedId")[keep],
            "Student_id": bundle.column("enrollments", "userSourcedId")[keep],
        },
        file=bundle.name("enrollments"),
        rows=frame.index[keep].to_numpy(),
        source_columns={
            "School_id": "schoolSourcedId",
            "Section_id": "classSourcedId",
            "Student_id": "userSourcedId",
        },
    )
