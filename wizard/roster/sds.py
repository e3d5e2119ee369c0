"""Microsoft School Data Sync v1 CSV sets -> hub tables, with the column map from the shipped sds_v1.toml (wizard.resources).

Sections get their teachers from TeacherRoster.csv (first listed = Teacher_id, then Teacher_2_id ...), and
enrollments their School_id from their section.
"""

from __future__ import annotations

import tomllib
from functools import cache
from typing import Any

import numpy as np
import pandas as pd

from wizard.resources import resource
from wizard.roster import spec
from wizard.roster.arrowtext import isin, lookup
from wizard.roster.issues import IssueLog
from wizard.roster.mapping import FileMapping
from wizard.roster.readers import RawTable
from wizard.roster.sources import Source
from wizard.roster.staging import Staged
from wizard.roster.tabular import Staging, read_source, stage_mapped, summarise

TEACHER_COLUMNS = ["Teacher_id", *(f"Teacher_{number}_id" for number in range(2, 11))]


@cache
def sds_files() -> dict[str, dict[str, Any]]:
    """Normalised SDS file stem -> {"name", "kind", "columns"}."""
    raw = tomllib.loads(resource("sds_v1.toml").read_text(encoding="utf-8"))["files"]
    return {spec.normalise_token(name): {"name": name, **entry} for name, entry in raw.items()}


def sds_mapping(entry: dict[str, Any], headers: list[str]) -> FileMapping:
    """The fixed SDS map applied to the headers present (matched ignoring case and spacing)."""
    by_token = {spec.normalise_token(header): header for header in headers}
    columns: dict[str, str] = {}
    for sds_header, target in entry["columns"].items():
        header = by_token.get(spec.normalise_token(sds_header))
        if header is not None:
            columns[header] = target
    unmapped = tuple(header for header in headers if header not in columns)
    return FileMapping(kind=entry["kind"], columns=columns, unmapped=unmapped)


def stage_sds(sources: list[Source], staging: Staging) -> dict[str, list[Staged]]:
    log, inputs, used = staging.log, staging.inputs, staging.used
    known = sds_files()
    raws: dict[str, RawTable] = {}
    for _index, source in staging.each(sources):
        entry = known.get(source.stem)
        if entry is None:
            log.add(
                "unused_input",
                source.name,
                f"{source.name} is not a School Data Sync v1 file, so it is not used. SDS v1 files are: "
                f"{', '.join(item['name'] + '.csv' for item in known.values())}.",
            )
            continue
        raw = read_source(source, log)
        if raw is None:
            continue
        raws[source.stem] = raw
    staged: dict[str, list[Staged]] = {}
    mappings: dict[str, FileMapping] = {}
    for stem, raw in raws.items():
        mapping = sds_mapping(known[stem], [str(column) for column in raw.frame.columns])
        mappings[stem] = mapping
        used.files[raw.name] = mapping
        inputs.append(summarise(raw, mapping.kind))
    for stem in ("school", "student", "teacher", "section"):
        if stem in raws:
            table = stage_mapped(raws[stem], mappings[stem], log)
            table.source_columns.update(_expected_labels(known[stem]))
            staged[table.kind] = [table]
    if "section" in raws:
        _attach_teachers(staged["sections"][0], raws.get("teacherroster"), mappings.get("teacherroster"), log)
    if "studentenrollment" in raws:
        enrollments = stage_mapped(raws["studentenrollment"], mappings["studentenrollment"], log)
        enrollments.source_columns.update(_expected_labels(known["studentenrollment"]))
        sections = staged.get("sections", [None])[0]
        if sections is not None:
            enrollments.frame["School_id"] = lookup(
                enrollments.frame["Section_id"], sections.frame["Section_id"], sections.frame["School_id"]
            )
            enrollments.present.add("School_id")
            enrollments.derived.add("School_id")
            enrollments.source_columns["School_id"] = f"School SIS ID (from {sections.source_files[0]})"
        staged["enrollments"] = [enrollments]
    staging.done(sources)
    return staged


def _expected_labels(entry: dict[str, Any]) -> dict[str, str]:
    return {target: header for header, target in entry["columns"].items()}


def _attach_teachers(
    sections: Staged, roster: RawTable | None, mapping: FileMapping | None, log: IssueLog
) -> None:
    """Fill Teacher_id .. Teacher_10_id from TeacherRoster rows, in file order, per section."""
    roster_name = roster.name if roster is not None else "TeacherRoster.csv"
    pairs = pd.DataFrame({"section": [], "teacher": [], "row": []})
    labels = ("Section SIS ID", "SIS ID")
    if roster is not None and mapping is not None:
        by_target = {target: header for header, target in mapping.columns.items()}
        if "Section_id" in by_target and "Teacher_id" in by_target:
            labels = (by_target["Section_id"], by_target["Teacher_id"])
            pairs = pd.DataFrame(
                {
                    "section": roster.frame[labels[0]].str.strip().to_numpy(),
                    "teacher": roster.frame[labels[1]].str.strip().to_numpy(),
                    "row": roster.frame.index.to_numpy(),
                }
            )
        else:
            log.add(
                "missing_column",
                roster_name,
                f"{roster_name} needs the columns 'Section SIS ID' and 'SIS ID' (the teacher's). Add them.",
            )
    assign_teachers(sections, pairs, roster_name, labels, log)


def assign_teachers(
    sections: Staged, pairs: pd.DataFrame, roster_name: str, labels: tuple[str, str], log: IssueLog
) -> None:
    """Teacher_id .. Teacher_10_id of each section from (section, teacher, row) pairs in priority order.

    Pairs naming no section are unknown references in the roster file; sections left without a teacher are
    errors on the section's row (the hub needs a teacher per section)."""
    frame = sections.frame
    for column in TEACHER_COLUMNS:
        sections.present.add(column)
        sections.derived.add(column)
        sections.source_columns[column] = f"{labels[1]} ({roster_name})"
    pairs = pairs[(pairs["section"] != "") & (pairs["teacher"] != "")]
    pairs = pairs.drop_duplicates(["section", "teacher"], keep="first")
    _report_roster_sections(pairs, frame["Section_id"], roster_name, labels[0], log)
    rank = pairs.groupby("section", sort=False).cumcount().to_numpy()
    for position, column in enumerate(TEACHER_COLUMNS):
        chosen = pairs[rank == position]
        frame[column] = lookup(frame["Section_id"], chosen["section"], chosen["teacher"])
    extra = pairs[rank >= len(TEACHER_COLUMNS)]
    if len(extra):
        log.add_bulk(
            "too_many_teachers",
            file=roster_name,
            rows=extra["row"].to_numpy(),
            column=labels[1],
            values=pd.Series(extra["teacher"].to_numpy(), dtype="str"),
            messages=pd.Series(
                ("section " + extra["section"] + " already has ten teachers; teacher " + extra["teacher"])
                .add(" is left out (the hub has ten teacher columns).")
                .to_numpy(),
                dtype="str",
            ),
        )
    teacherless = (frame["Teacher_id"] == "").to_numpy() & (frame["Section_id"] != "").to_numpy()
    if teacherless.any():
        ids = frame["Section_id"][teacherless]
        log.add_bulk(
            "required_value_missing",
            file=sections.file[teacherless],
            rows=sections.row[teacherless].to_numpy(),
            column="Teacher_id",
            values=pd.Series([""] * int(teacherless.sum()), dtype="str"),
            messages=pd.Series(
                ("section " + ids + f" has no teacher in {roster_name}; the hub needs one per section. ")
                .add(f"Add a {roster_name} row that names this section and its teacher.")
                .to_numpy(),
                dtype="str",
            ),
        )
        sections.flag(np.asarray(teacherless))


def _report_roster_sections(
    pairs: pd.DataFrame, section_ids: pd.Series, file: str, column: str, log: IssueLog
) -> None:
    unknown = pairs[~isin(pairs["section"], section_ids)]
    if unknown.empty:
        return
    log.add_bulk(
        "unknown_reference",
        file=file,
        rows=unknown["row"].to_numpy(),
        column=column,
        values=pd.Series(unknown["section"].to_numpy(), dtype="str"),
        messages=pd.Series(
            ("teacher " + unknown["teacher"] + f": {column} '" + unknown["section"])
            .add("' names no section. Add the section or correct the id.")
            .to_numpy(),
            dtype="str",
        ),
    )
