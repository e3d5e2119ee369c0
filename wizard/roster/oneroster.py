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

The set as read is oneroster_set.py, the people (roles, schools, demographics) oneroster_people.py.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from wizard.errors import UsageError
from wizard.roster import standards
from wizard.roster.arrowtext import empty_text, isin, lookup
from wizard.roster.mapping import FileMapping
from wizard.roster.oneroster_people import report_other_roles, stage_people
from wizard.roster.oneroster_set import PERSON_COLUMNS, StandardSet, column_of, first_of_list
from wizard.roster.sds import assign_teachers
from wizard.roster.sources import Source
from wizard.roster.staging import Staged, build_staged
from wizard.roster.tabular import Staging, read_source, summarise


def stage_standard(format_id: str, sources: list[Source], staging: Staging) -> dict[str, list[Staged]]:
    """Read a OneRoster 1.1 / 1.2 or SDS v2.1 set and convert it to hub tables (the format is `format_id`)."""
    log, inputs, used = staging.log, staging.inputs, staging.used
    bundle = StandardSet(standards.standard(format_id), log)
    ignored: list[str] = []
    for _index, source in staging.each(sources):
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
        for kind, table in stage_people(bundle, school_ids).items():
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
    staging.done(sources)
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


def _sections(bundle: StandardSet) -> Staged:
    keep = bundle.active("classes")
    frame = bundle.raws["classes"].frame
    school_column, terms_column = bundle.names("class_school"), bundle.names("class_terms")
    course = bundle.column("classes", "courseSourcedId")[keep]
    term = first_of_list(bundle.column("classes", terms_column)[keep])
    _report_unresolved(bundle, "courseSourcedId", course, "courses", "course")
    _report_unresolved(bundle, terms_column, term, "academicsessions", "term")
    grade = first_of_list(bundle.column("classes", "grades")[keep])
    course_grade = first_of_list(column_of(bundle, "courses", course, bundle.names("course_grades")))
    subject = first_of_list(bundle.column("classes", "subjects")[keep])
    course_subject = first_of_list(column_of(bundle, "courses", course, bundle.names("course_subjects")))
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
            "Course_name": column_of(bundle, "courses", course, "title"),
            "Course_number": column_of(bundle, "courses", course, bundle.names("course_code")),
            "Term_name": column_of(bundle, "academicsessions", term, "title"),
            "Term_start": column_of(bundle, "academicsessions", term, "startDate"),
            "Term_end": column_of(bundle, "academicsessions", term, "endDate"),
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
    report_other_roles(bundle, "enrollments", roles[other], empty_text(int(other.sum()), roles[other].index))
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
