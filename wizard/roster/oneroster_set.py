"""A OneRoster 1.1 / 1.2 or SDS v2.1 set as read (`StandardSet`: its files by key, what it calls each
concept) and the small helpers the converters share (see wizard/roster/oneroster.py)."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from wizard.roster import spec, standards
from wizard.roster.arrowtext import arrow, empty_text, from_arrow, lookup
from wizard.roster.issues import IssueLog
from wizard.roster.readers import RawTable

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


def first_of_list(values: pd.Series) -> pd.Series:
    """The first item of each comma-separated list (a regex kernel in Arrow, no Python per value)."""
    return values.astype("str").str.replace(r",.*$", "", regex=True).str.strip().fillna("")


def column_of(bundle: StandardSet, key: str, ids: pd.Series, column: str) -> pd.Series:
    """`column` of the `key` record each id names ("" when the file or the record is missing)."""
    if not bundle.has(key):
        return empty_text(len(ids), ids.index)
    return lookup(ids, bundle.column(key, "sourcedId"), bundle.column(key, column))


def take(values: pd.Series, positions: np.ndarray) -> pd.Series:
    """The values at `positions` (a text Series with a RangeIndex), taken in Arrow without a Python object."""
    return from_arrow(pc.take(arrow(values), pa.array(positions, pa.int64())))
