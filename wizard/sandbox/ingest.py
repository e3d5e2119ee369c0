"""Checking an uploaded hub CSV set and building its records in bounded memory.

Each file is read in batches (pyarrow's streaming CSV reader, every column as text, so leading zeros stay)
and every batch goes through the roster engine's one-row-at-a-time checks (`Validator.check_table` with
`whole=False`); its rows are staged with their error flag into a scratch SQLite database beside the hub's
own. The checks that need the whole file or other files (repeated ids, emails and enrollments, id widths,
references, records without sections) then run as SQL over the staged rows, with the engine's codes and
wording, and the records the Data API serves are assembled there with `INSERT … SELECT` in the shape
`wizard.sandbox.records.build_roster` gives them. Nothing holds more than one batch of rows in memory.

`apply_records` then swaps the district's data set for the new one in one transaction of the hub database.
"""

from __future__ import annotations

import codecs
import csv
import os
import sqlite3
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.csv as pacsv

from wizard.roster import spec
from wizard.roster.arrowtext import from_arrow
from wizard.roster.issues import IssueLog, frame_to_issues, severity_of
from wizard.roster.staging import build_staged
from wizard.roster.validate import VALIDATION_ORDER, Validator
from wizard.sandbox.records import CHANGE_KINDS, MAX_SECTION_TEACHERS, KindChanges, hub_id, iso_date

BATCH_BYTES = 4 * 1024 * 1024  # of CSV text per batch: about 30,000 student rows
MAX_LISTED_ISSUES = 1000  # per severity; the counts say how many there are in all
NOUN_OF = {
    "schools": "school",
    "students": "student",
    "teachers": "teacher",
    "sections": "section",
    "staff": "staff",
}
TEACHER_COLUMNS = ("Teacher_id", *(f"Teacher_{n}_id" for n in range(2, MAX_SECTION_TEACHERS + 1)))
# The columns the records are built from, besides each kind's id and references (the rest is checked, not kept).
KEPT_COLUMNS: dict[str, tuple[str, ...]] = {
    "schools": ("School_id", "School_name", "School_number", "State_id", "Low_grade", "High_grade", "Principal",
                "Principal_email", "School_address", "School_city", "School_state", "School_zip", "School_phone"),
    "students": ("School_id", "Student_id", "Student_number", "State_id", "Last_name", "Middle_name", "First_name",
                 "Grade", "Gender", "Graduation_year", "DOB", "Race", "Hispanic_Latino", "Home_language",
                 "Ell_status", "IEP_status", "Student_street", "Student_city", "Student_state", "Student_zip",
                 "Student_email", "Username"),
    "teachers": ("School_id", "Teacher_id", "Teacher_number", "State_teacher_id", "Teacher_email", "First_name",
                 "Middle_name", "Last_name", "Title", "Username"),
    "sections": ("School_id", "Section_id", *TEACHER_COLUMNS, "Name", "Section_number", "Grade", "Course_name",
                 "Course_number", "Period", "Subject", "Term_name", "Term_start", "Term_end"),
    "enrollments": ("School_id", "Section_id", "Student_id"),
    "staff": ("School_id", "Staff_id", "Staff_email", "First_name", "Last_name", "Department", "Title", "Username",
              "Role"),
}  # fmt: skip
# Lower-cased copies the data browser's people index and the teacher/staff match use.
LOWER_COLUMNS: dict[str, dict[str, str]] = {
    "students": {"lo_sis": "Student_id", "lo_email": "Student_email", "lo_first": "First_name", "lo_last": "Last_name"},
    "teachers": {"lo_sis": "Teacher_id", "lo_email": "Teacher_email", "lo_first": "First_name", "lo_last": "Last_name"},
    "staff": {"lo_email": "Staff_email"},
}  # fmt: skip


def _q(column: str) -> str:
    return f'"{column}"'


def table_of(kind: str) -> str:
    return f"st_{kind}"


@dataclass
class IssueTally:
    """The first issues of each severity, as the upload's result lists them, and how many there are in all."""

    listed: dict[str, list[dict[str, Any]]] = field(default_factory=lambda: {"error": [], "warning": []})
    counts: dict[str, int] = field(default_factory=lambda: {"error": 0, "warning": 0})
    _file_level: set[tuple[str, str, str, str]] = field(default_factory=set)

    def room(self, severity: str) -> int:
        return MAX_LISTED_ISSUES - len(self.listed.setdefault(severity, []))

    def add(self, issue: dict[str, Any]) -> None:
        severity = str(issue["severity"])
        if issue["row"] is None:  # a file-level issue is said once, not once per batch
            key = (str(issue["code"]), str(issue["file"]), str(issue["column"]), str(issue["message"]))
            if key in self._file_level:
                return
            self._file_level.add(key)
        self.counts[severity] = self.counts.get(severity, 0) + 1
        if self.room(severity) > 0:
            self.listed[severity].append(issue)

    def add_log(self, log: IssueLog) -> None:
        frame = log.frame()
        if frame.empty:
            return
        file_level = frame["row"].isna().to_numpy()
        for severity in ("error", "warning"):
            rows = frame[(frame["severity"] == severity).to_numpy() & ~file_level]
            self.counts[severity] = self.counts.get(severity, 0) + len(rows)
            for issue in frame_to_issues(rows.head(max(self.room(severity), 0))):
                self.listed[severity].append(issue_dict(issue.__dict__))
        for issue in frame_to_issues(frame[file_level]):
            self.add(issue_dict(issue.__dict__))

    def add_rows(
        self, code: str, file: str, column: str, rows: Sequence[tuple[Any, str, str]], total: int
    ) -> None:
        """Issues of one code from SQL: (row, value, message) for the first few, `total` in all."""
        severity = severity_of(code)
        self.counts[severity] = self.counts.get(severity, 0) + total
        for row, value, message in rows[: max(self.room(severity), 0)]:
            self.listed[severity].append(
                {"severity": severity, "code": code, "file": file, "row": row, "column": column,
                 "value": value, "message": message}
            )  # fmt: skip

    @property
    def has_errors(self) -> bool:
        return self.counts.get("error", 0) > 0


def issue_dict(fields: dict[str, Any]) -> dict[str, Any]:
    row = fields.get("row")
    return {
        "severity": str(fields["severity"]),
        "code": str(fields["code"]),
        "file": str(fields.get("file") or ""),
        "row": None if row is None or pd.isna(row) else int(row),
        "column": str(fields.get("column") or ""),
        "value": str(fields.get("value") or ""),
        "message": str(fields["message"]),
    }


# --- the scratch database ---------------------------------------------------------------------------------


def open_scratch(path: Path) -> sqlite3.Connection:
    """A private scratch database (0600): throw-away, so nothing is synced or journalled."""
    if not path.exists():
        os.close(os.open(path, os.O_CREAT | os.O_WRONLY, 0o600))
    conn = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
    for pragma in ("journal_mode=OFF", "synchronous=OFF", "temp_store=FILE", "cache_size=-65536"):
        conn.execute(f"PRAGMA {pragma}")
    conn.create_function("iso_date", 1, _iso_date, deterministic=True)
    conn.create_function("hub_id", 3, hub_id, deterministic=True)
    return conn


def _iso_date(text: str | None) -> str | None:
    return iso_date(text or "")


# --- reading and checking in batches ----------------------------------------------------------------------


def _encoding(path: Path) -> str:
    """utf-8 when the whole file decodes as UTF-8 (checked in chunks), else cp1252 (Windows exports)."""
    decoder = codecs.getincrementaldecoder("utf-8")()
    try:
        with path.open("rb") as source:
            while chunk := source.read(BATCH_BYTES):
                decoder.decode(chunk)
            decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        return "cp1252"
    return "utf-8"


def _header(path: Path, encoding: str) -> list[str]:
    with path.open(
        encoding="utf-8-sig" if encoding == "utf-8" else encoding, newline="", errors="replace"
    ) as text:
        try:
            return [name.strip() for name in next(csv.reader(text))]
        except (StopIteration, csv.Error):
            return []


def batches(path: Path, log: IssueLog) -> Iterator[tuple[list[str], pa.RecordBatch]]:
    """The file's header and its rows in batches, every value as text; malformed rows are reported and skipped."""
    encoding = _encoding(path)
    header = _header(path, encoding)
    if encoding != "utf-8":
        log.add(
            "mixed_encoding",
            path.name,
            f"{path.name} is not UTF-8; it was read as Windows-1252. Check accented names, and export as UTF-8.",
        )
    if not header or len(set(header)) != len(header):
        log.add(
            "unreadable_file",
            path.name,
            f"{path.name} has no header row, or a column name twice. Export it again with one header row.",
        )
        return

    def malformed(row: Any) -> str:
        where = f"Row {row.number}" if row.number is not None else "A row"
        log.add(
            "malformed_row",
            path.name,
            f"{where} has {row.actual_columns} fields where the header has {row.expected_columns}. "
            "Check the quoting on that row.",
            row=row.number,
        )
        return "skip"

    reader = pacsv.open_csv(
        path,
        read_options=pacsv.ReadOptions(
            block_size=BATCH_BYTES, encoding=encoding, skip_rows=1, column_names=header, use_threads=False
        ),
        parse_options=pacsv.ParseOptions(newlines_in_values=True, invalid_row_handler=malformed),
        convert_options=pacsv.ConvertOptions(
            column_types=dict.fromkeys(header, pa.string()),
            strings_can_be_null=False,
            quoted_strings_can_be_null=False,
        ),
    )
    for batch in reader:
        if batch.num_rows:
            yield header, batch


@dataclass
class Staging:
    """What `stage_files` staged: rows per kind (all rows, errors included) and the kinds present."""

    rows: dict[str, int] = field(default_factory=dict)
    present_columns: dict[str, set[str]] = field(default_factory=dict)


def _create_stage_table(conn: sqlite3.Connection, kind: str) -> list[str]:
    kept = list(KEPT_COLUMNS[kind])
    extra = ["hid"] if kind in NOUN_OF else []
    extra += list(LOWER_COLUMNS.get(kind, {}))
    columns = ", ".join(f"{_q(column)} TEXT NOT NULL" for column in [*extra, *kept])
    conn.execute(
        f"CREATE TABLE {table_of(kind)} (rowno INTEGER PRIMARY KEY, row INTEGER, err INTEGER NOT NULL, {columns})"
    )
    return [*extra, *kept]


def stage_files(
    conn: sqlite3.Connection,
    files: dict[str, Path],
    district_id: str,
    tally: IssueTally,
    step: Callable[[], None] = lambda: None,
) -> Staging:
    """Check every file batch by batch with the engine's row checks and stage its rows (with an error flag)."""
    staging = Staging()
    for kind in VALIDATION_ORDER:
        path = files.get(kind)
        columns = _create_stage_table(conn, kind)
        if path is None:
            continue
        staging.rows[kind] = 0
        id_column = spec.kind_spec(kind).id_column
        hub_columns = set(spec.hub_columns(kind))
        log = IssueLog()
        for header, batch in batches(path, log):
            step()
            present = set(header) & hub_columns
            staging.present_columns[kind] = present
            first = staging.rows[kind]
            count = batch.num_rows
            index = pd.RangeIndex(count)
            values = {name: from_arrow(batch.column(name), index) for name in header if name in hub_columns}
            staged = build_staged(
                kind, values, file=path.name, rows=np.arange(first + 2, first + 2 + count), present=present
            )
            validator = Validator({kind: staged}, log, "mdy")
            validator.check_table(staged, whole=False)
            tally.add_log(log)
            log = IssueLog()
            frame = staged.frame
            data: list[list[Any]] = []
            for column in columns:
                if column == "hid":
                    assert id_column is not None
                    noun = NOUN_OF[kind]
                    data.append([hub_id(district_id, noun, sis) for sis in frame[id_column].tolist()])
                elif column in LOWER_COLUMNS.get(kind, {}):
                    data.append(frame[LOWER_COLUMNS[kind][column]].str.lower().tolist())
                else:
                    data.append(frame[column].tolist())
            errors = validator.errors[kind].astype(np.int64).tolist()
            rownos = range(first, first + count)
            marks = ", ".join("?" for _ in range(3 + len(columns)))
            conn.execute("BEGIN")  # one transaction per batch, not per row
            conn.executemany(
                f"INSERT INTO {table_of(kind)} VALUES ({marks})",
                zip(rownos, staged.row.tolist(), errors, *data, strict=True),
            )
            conn.execute("COMMIT")
            staging.rows[kind] += count
            del values, staged, validator, frame, data
        tally.add_log(log)
        if staging.rows[kind] == 0 and kind not in staging.present_columns:
            staging.present_columns[kind] = set()
    for kind in spec.REQUIRED_KINDS:
        if kind not in files:
            file_name = spec.hub_file_name(kind)
            log = IssueLog()
            log.add(
                "missing_file",
                file_name,
                f"No {kind} file is among the inputs, and the hub needs {file_name}. Add the {kind} export "
                f"(or name it with --{kind} FILE).",
            )
            tally.add_log(log)
    return staging


# --- checks across batches and files, in SQL --------------------------------------------------------------


def _lit(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def _label(kind: str, alias: str = "s") -> str:
    """SQL for how a message names a record: 'student 123', 'enrollment of student 1 in section 7'."""
    kind_spec = spec.kind_spec(kind)
    if kind_spec.id_column is None:
        return f"('enrollment of student ' || {alias}.\"Student_id\" || ' in section ' || {alias}.\"Section_id\")"
    column = f"{alias}.{_q(kind_spec.id_column)}"
    return (
        f"(CASE WHEN {column} = '' THEN {_lit(f'{kind_spec.noun} without {kind_spec.id_column}')} "
        f"ELSE {_lit(kind_spec.noun + ' ')} || {column} END)"
    )


def _report(
    conn: sqlite3.Connection, tally: IssueTally, code: str, kind: str, column: str, query: str, *, flag: bool
) -> None:
    """Issues for the rows `query` selects as (rowno, row, value, message); errors also flag the rows. The
    query runs once: its rows are kept in a scratch table for counting, listing and flagging."""
    conn.execute("DROP TABLE IF EXISTS hits")
    conn.execute(f"CREATE TABLE hits AS {query}")
    total = int(conn.execute("SELECT count(*) FROM hits").fetchone()[0])
    if total:
        room = max(tally.room(severity_of(code)), 0)
        listed = [tuple(row) for row in conn.execute(f"SELECT row, value, message FROM hits LIMIT {room}")]
        tally.add_rows(code, spec.hub_file_name(kind), column, listed, total)
        if flag and severity_of(code) == "error":
            conn.execute(f"UPDATE {table_of(kind)} SET err = 1 WHERE rowno IN (SELECT rowno FROM hits)")
        elif flag:  # kept, but built once (a repeated enrollment): 2 marks the repeat
            conn.execute(
                f"UPDATE {table_of(kind)} SET err = 2 WHERE err = 0 AND rowno IN (SELECT rowno FROM hits)"
            )
    conn.execute("DROP TABLE hits")


def cross_checks(conn: sqlite3.Connection, staging: Staging, tally: IssueTally) -> None:
    """The checks that need a whole file or other files, over the staged rows, in the engine's order."""
    staged = [kind for kind in VALIDATION_ORDER if kind in staging.rows]
    for kind in staged:
        kind_spec = spec.kind_spec(kind)
        table, id_column = table_of(kind), kind_spec.id_column
        present = staging.present_columns.get(kind, set())
        if id_column is not None:
            conn.execute(f"CREATE INDEX {table}_id ON {table} ({_q(id_column)}, err)")
        if id_column is not None and id_column in present:
            _unique_ids(conn, tally, kind, id_column)
            _id_widths(conn, tally, kind, id_column)
        for column in kind_spec.unique_emails:
            if column in present:
                _unique_emails(conn, tally, kind, column)
        if kind == "enrollments" and {"Section_id", "Student_id"} <= present:
            conn.execute(f"CREATE INDEX {table}_pair ON {table} (Section_id, Student_id)")
            query = (
                f"SELECT s.rowno, s.row, s.Student_id AS value, {_label(kind)} || ' repeats row ' || f.row || "
                f"'; the hub needs each enrollment once. Remove the repeated row.' AS message FROM {table} s "
                f"JOIN (SELECT Section_id, Student_id, min(rowno) AS first FROM {table} GROUP BY Section_id, "
                f"Student_id HAVING count(*) > 1) d ON s.Section_id = d.Section_id AND s.Student_id = d.Student_id "
                f"AND s.rowno > d.first JOIN {table} f ON f.rowno = d.first ORDER BY s.rowno"
            )
            _report(conn, tally, "duplicate_enrollment", kind, "Student_id", query, flag=True)
    for kind in staged:
        present = staging.present_columns.get(kind, set())
        for column, target in spec.kind_spec(kind).references.items():
            if column in present and target in staging.rows:
                _references(conn, tally, kind, column, target, staging)
    _coverage(conn, tally, staging)


def _repeated(table: str, col: str) -> str:
    """FROM, joins and order for the rows `s` whose filled `col` an earlier row has, `f` being that first row."""
    return (
        f"FROM {table} s JOIN (SELECT {col} AS repeated, min(rowno) AS first FROM {table} WHERE {col} != '' "
        f"GROUP BY {col} HAVING count(*) > 1) d ON s.{col} = d.repeated AND s.rowno > d.first "
        f"JOIN {table} f ON f.rowno = d.first ORDER BY s.rowno"
    )


def _unique_ids(conn: sqlite3.Connection, tally: IssueTally, kind: str, column: str) -> None:
    table, noun = table_of(kind), spec.kind_spec(kind).noun
    query = (
        f"SELECT s.rowno, s.row, s.{_q(column)} AS value, {_label(kind)} || ' is not unique: the same id is on row ' "
        f"|| f.row || ' of {spec.hub_file_name(kind)}; only that first row is kept. Give each {noun} its own "
        f"{column} or remove the repeated row.' AS message {_repeated(table, _q(column))}"
    )
    _report(conn, tally, "duplicate_id", kind, column, query, flag=True)


def _id_widths(conn: sqlite3.Connection, tally: IssueTally, kind: str, column: str) -> None:
    table, col = table_of(kind), _q(column)
    digits = f"{col} != '' AND {col} NOT GLOB '*[^0-9]*'"
    width = conn.execute(
        f"SELECT max(length({col})) FROM {table} WHERE {digits} AND {col} GLOB '0*'"
    ).fetchone()[0]
    if not width:
        return
    query = (
        f"SELECT rowno, row, {col} AS value, {_label(kind, table)} || ': {column} ''' || {col} || ''' is shorter "
        f"than other ids in this column that start with 0 ({int(width)} digits); a spreadsheet may have dropped "
        f"its leading zeros. Check it against your SIS (it is uploaded as it is).' AS message FROM {table} "
        f"WHERE {digits} AND {col} NOT GLOB '0*' AND length({col}) < {int(width)} ORDER BY rowno"
    )
    _report(conn, tally, "possible_lost_leading_zeros", kind, column, query, flag=False)


def _unique_emails(conn: sqlite3.Connection, tally: IssueTally, kind: str, column: str) -> None:
    table, col = table_of(kind), _q(column)
    conn.execute(f"CREATE INDEX {table}_{column} ON {table} ({col})")
    query = (
        f"SELECT s.rowno, s.row, s.{col} AS value, {_label(kind)} || ': {column} ' || s.{col} || ' is also used "
        f"by ' || {_label(kind, 'f')} || ' (row ' || f.row || '). Each person should have their own address, or "
        f"single sign-on may match the wrong account.' AS message {_repeated(table, col)}"
    )
    _report(conn, tally, "duplicate_email", kind, column, query, flag=False)


def _references(
    conn: sqlite3.Connection, tally: IssueTally, kind: str, column: str, target: str, staging: Staging
) -> None:
    table, target_table, col = table_of(kind), table_of(target), _q(column)
    target_spec = spec.kind_spec(target)
    target_id = target_spec.id_column
    if target_id is None:
        return
    noun, target_file = target_spec.noun, spec.hub_file_name(target)
    ids = f"SELECT {_q(target_id)} FROM {target_table}"
    query = (
        f"SELECT rowno, row, {col} AS value, {_label(kind, table)} || ': {column} ''' || {col} || ''' names no "
        f"{noun} in {target_file}. Add that {noun} or correct the id.' AS message FROM {table} "
        f"WHERE {col} != '' AND {col} NOT IN ({ids}) ORDER BY rowno"
    )
    _report(conn, tally, "unknown_reference", kind, column, query, flag=True)
    target_rows = staging.rows.get(target, 0)
    clean = int(conn.execute(f"SELECT count(*) FROM {target_table} WHERE err = 0").fetchone()[0])
    if target_rows and not clean:  # the whole target file is unusable: one line instead of one per row
        known = f"{col} != '' AND {col} IN ({ids})"
        dangling = int(conn.execute(f"SELECT count(*) FROM {table} WHERE {known}").fetchone()[0])
        if dangling:
            conn.execute(f"UPDATE {table} SET err = 1 WHERE {known}")
            rows = "1 row" if dangling == 1 else f"{dangling:,} rows"
            tally.add(
                issue_dict(
                    {"severity": "error", "code": "reference_to_record_with_errors", "file": spec.hub_file_name(kind),
                     "row": None, "column": column, "value": "",
                     "message": f"All {rows} of {spec.hub_file_name(kind)} name a {noun} from {target_file}, where "
                                "every row has errors (see above); they are left out until that is fixed."}
                )
            )  # fmt: skip
        return
    if not conn.execute(f"SELECT 1 FROM {target_table} WHERE err = 1 LIMIT 1").fetchone():
        return  # no record of the target is left out: nothing can point at one
    query = (
        f"SELECT rowno, row, {col} AS value, {_label(kind, table)} || ': {column} ''' || {col} || ''' names a "
        f"{noun} that has errors and is left out; fix that {noun} first.' AS message FROM {table} "
        f"WHERE {col} != '' AND {col} IN ({ids} WHERE err = 1) AND {col} NOT IN ({ids} WHERE err = 0) "
        "ORDER BY rowno"
    )
    _report(conn, tally, "reference_to_record_with_errors", kind, column, query, flag=True)


def _coverage(conn: sqlite3.Connection, tally: IssueTally, staging: Staging) -> None:
    enrolled = staging.present_columns.get("enrollments", set())
    if "enrollments" not in staging.rows:
        return
    if "students" in staging.rows and "Student_id" in enrolled:
        conn.execute("CREATE INDEX st_enrollments_student ON st_enrollments (Student_id)")
        query = (
            f"SELECT rowno, row, Student_id AS value, {_label('students', 's')} || ' is in no section, "
            "so apps that share by section will not see them. Enrol them if they should.' AS message "
            "FROM st_students s WHERE Student_id != '' AND NOT EXISTS (SELECT 1 FROM st_enrollments e "
            "WHERE e.Student_id = s.Student_id) ORDER BY rowno"
        )
        _report(conn, tally, "student_without_enrollment", "students", "Student_id", query, flag=False)
    if "sections" in staging.rows and "Section_id" in enrolled:
        query = (
            f"SELECT rowno, row, Section_id AS value, {_label('sections', 'st_sections')} || ' has no students in "
            "the enrollments. Check the enrollment export.' AS message FROM st_sections WHERE Section_id != '' "
            "AND NOT EXISTS (SELECT 1 FROM st_enrollments e WHERE e.Section_id = st_sections.Section_id) "
            "ORDER BY rowno"
        )
        _report(conn, tally, "section_without_students", "sections", "Section_id", query, flag=False)


def clean_counts(conn: sqlite3.Connection) -> dict[str, int]:
    """Rows without errors per hub kind (a repeated enrollment counts: the engine keeps it) (what the upload holds once its errors are left out)."""
    return {
        kind: int(conn.execute(f"SELECT count(*) FROM {table_of(kind)} WHERE err != 1").fetchone()[0])
        for kind in spec.HUB_KINDS
    }


# --- the records, assembled in SQL -------------------------------------------------------------------------

JsonShape = dict[str, "str | JsonShape"]


def _json(shape: JsonShape) -> str:
    """json_object(...) with the keys sorted, as the hub stores records (json.dumps with sort_keys)."""
    parts = []
    for key in sorted(shape):
        value = shape[key]
        parts.append(f"'{key}', {_json(value) if isinstance(value, dict) else value}")
    return f"json_object({', '.join(parts)})"


def _nz(column: str, alias: str = "s") -> str:
    return f"NULLIF({alias}.{_q(column)}, '')"


def _name(alias: str = "s", middle: bool = True) -> JsonShape:
    return {"first": _nz("First_name", alias), "last": _nz("Last_name", alias),
            "middle": _nz("Middle_name", alias) if middle else "NULL"}  # fmt: skip


def _location(prefix: str, alias: str = "s") -> JsonShape:
    return {"address": _nz(f"{prefix}_street" if prefix == "Student" else f"{prefix}_address", alias),
            "city": _nz(f"{prefix}_city", alias), "lat": "NULL", "lon": "NULL",
            "state": _nz(f"{prefix}_state", alias), "zip": _nz(f"{prefix}_zip", alias)}  # fmt: skip


def _ordered_lists(conn: sqlite3.Connection, name: str, source: str) -> None:
    """`name`(key, list): per key the JSON array of `value`s in `ord` order, from `source`(key, ord, value)."""
    conn.execute(f"CREATE TABLE {name}_items AS {source}")
    conn.execute(f"CREATE INDEX {name}_items_order ON {name}_items (key, ord, value)")
    conn.execute(
        f"CREATE TABLE {name} AS SELECT key, '[' || group_concat('\"' || value || '\"', ',') || ']' AS list "
        f"FROM (SELECT key, value FROM {name}_items ORDER BY key, ord) GROUP BY key"
    )
    conn.execute(f"CREATE UNIQUE INDEX {name}_key ON {name} (key)")
    conn.execute(f"DROP TABLE {name}_items")  # its pages are reused by the next tables


def assemble(conn: sqlite3.Connection, district_id: str) -> None:
    """new_records(kind, id, sis_id, body), people(...) and memberships(user_id, section_id) in the scratch
    database: the records `build_roster` would build from the clean rows, without their timestamps."""
    conn.execute(
        "CREATE TABLE new_records (kind TEXT NOT NULL, id TEXT NOT NULL, sis_id TEXT NOT NULL, body TEXT NOT NULL)"
    )
    district = _lit(district_id)
    conn.execute(
        "CREATE TABLE school_map AS SELECT School_id AS sis, hid FROM st_schools WHERE err = 0 AND School_id != ''"
    )
    conn.execute("CREATE UNIQUE INDEX school_map_sis ON school_map (sis)")
    school: JsonShape = {
        "district": district, "high_grade": _nz("High_grade"), "id": "s.hid", "location": _location("School"),
        "low_grade": _nz("Low_grade"), "mdr_number": "NULL", "name": "s.School_name", "nces_id": "NULL",
        "phone": _nz("School_phone"), "principal": {"email": _nz("Principal_email"), "name": _nz("Principal")},
        "school_number": "s.School_number", "sis_id": "s.School_id", "state_id": _nz("State_id"),
    }  # fmt: skip
    conn.execute(
        f"INSERT INTO new_records SELECT 'schools', s.hid, s.School_id, {_json(school)} FROM st_schools s "
        "WHERE s.err = 0 AND s.School_id != ''"
    )
    conn.execute(
        "CREATE TABLE student_map AS SELECT s.Student_id AS sis, s.hid, m.hid AS home FROM st_students s "
        "JOIN school_map m ON m.sis = s.School_id WHERE s.err = 0 AND s.Student_id != ''"
    )
    conn.execute("CREATE UNIQUE INDEX student_map_sis ON student_map (sis)")
    conn.execute(
        "CREATE TABLE teacher_map AS SELECT s.Teacher_id AS sis, s.hid, m.hid AS home FROM st_teachers s "
        "JOIN school_map m ON m.sis = s.School_id WHERE s.err = 0 AND s.Teacher_id != ''"
    )
    conn.execute("CREATE UNIQUE INDEX teacher_map_sis ON teacher_map (sis)")
    conn.execute(
        "CREATE TABLE section_map AS SELECT s.rowno, s.Section_id AS sis, s.hid, m.hid AS school FROM st_sections s "
        "JOIN school_map m ON m.sis = s.School_id WHERE s.err = 0 AND s.Section_id != ''"
    )
    conn.execute("CREATE UNIQUE INDEX section_map_sis ON section_map (sis)")
    conn.execute("CREATE UNIQUE INDEX section_map_rowno ON section_map (rowno)")
    # who teaches each section, in the order of its teacher columns
    unpivot = " UNION ALL ".join(
        f"SELECT c.hid AS section, c.school, c.rowno * 16 + {number} AS ord, t.hid AS teacher, t.home "
        f"FROM section_map c JOIN st_sections s ON s.rowno = c.rowno JOIN teacher_map t ON t.sis = s.{_q(column)}"
        for number, column in enumerate(TEACHER_COLUMNS)
    )
    conn.execute(f"CREATE TABLE teaching AS {unpivot}")
    _ordered_lists(conn, "section_teachers", "SELECT section AS key, ord, teacher AS value FROM teaching")
    _ordered_lists(
        conn,
        "teacher_schools",
        "SELECT teacher AS key, min(ord) AS ord, school AS value FROM teaching WHERE school != home "
        "GROUP BY teacher, school",
    )
    # enrollments of valid students in valid sections (an enrollment without errors names both)
    conn.execute(
        "CREATE TABLE enrolled AS SELECT e.rowno AS ord, c.hid AS section, c.school, u.hid AS student, u.home "
        "FROM st_enrollments e JOIN section_map c ON c.sis = e.Section_id JOIN student_map u ON u.sis = e.Student_id "
        "WHERE e.err = 0"
    )
    _ordered_lists(conn, "section_students", "SELECT section AS key, ord, student AS value FROM enrolled")
    _ordered_lists(
        conn,
        "student_schools",
        "SELECT student AS key, min(ord) AS ord, school AS value FROM enrolled WHERE school != home "
        "GROUP BY student, school",
    )
    schools_of = "json(CASE WHEN x.list IS NULL THEN '[\"' || m.home || '\"]' ELSE '[\"' || m.home || '\",' || substr(x.list, 2) END)"
    student: JsonShape = {
        "district": district, "email": _nz("Student_email"), "id": "s.hid", "name": _name(),
        "roles": {"student": {
            "credentials": {"district_username": "s.Username"}, "dob": _nz("DOB"), "ell_status": _nz("Ell_status"),
            "gender": _nz("Gender"), "grade": _nz("Grade"), "graduation_year": _nz("Graduation_year"),
            "hispanic_ethnicity": _nz("Hispanic_Latino"), "home_language": _nz("Home_language"),
            "iep_status": _nz("IEP_status"), "legacy_id": "s.hid", "location": _location("Student"),
            "race": _nz("Race"), "school": "m.home", "schools": schools_of, "sis_id": "s.Student_id",
            "state_id": _nz("State_id"), "student_number": _nz("Student_number"),
        }},
    }  # fmt: skip
    conn.execute(
        f"INSERT INTO new_records SELECT 'students', s.hid, s.Student_id, {_json(student)} FROM st_students s "
        "JOIN student_map m ON m.hid = s.hid AND m.sis = s.Student_id LEFT JOIN student_schools x ON x.key = s.hid "
        "WHERE s.err = 0"
    )
    # a staff member with a teacher's email is that teacher's second role (the last such staff row counts)
    conn.execute("CREATE INDEX st_teachers_email ON st_teachers (lo_email, err)")
    conn.execute(
        "CREATE TABLE staff_match AS SELECT s.rowno, (SELECT t.hid FROM st_teachers t JOIN teacher_map m "
        "ON m.hid = t.hid WHERE t.err = 0 AND t.lo_email = s.lo_email ORDER BY t.rowno DESC LIMIT 1) AS teacher "
        "FROM st_staff s WHERE s.err = 0 AND s.Staff_id != '' AND s.lo_email != ''"
    )
    conn.execute("DELETE FROM staff_match WHERE teacher IS NULL")
    conn.execute(
        "CREATE TABLE teacher_staff AS SELECT teacher, max(rowno) AS rowno FROM staff_match GROUP BY teacher"
    )
    conn.execute("CREATE UNIQUE INDEX teacher_staff_teacher ON teacher_staff (teacher)")

    def staff_role(legacy: str) -> JsonShape:
        return {
            "credentials": {"district_username": "f.Username"}, "department": _nz("Department", "f"),
            "legacy_id": legacy, "roles": "CASE WHEN f.Role != '' THEN json_array(f.Role) ELSE json_array() END",
            "schools": "CASE WHEN g.hid IS NOT NULL THEN json_array(g.hid) ELSE json_array() END",
            "staff_id": "f.Staff_id", "title": _nz("Title", "f"),
        }  # fmt: skip

    teacher_role: JsonShape = {
        "credentials": {"district_username": "s.Username"}, "district": district, "legacy_id": "s.hid",
        "name": _name(), "school": "m.home", "schools": schools_of, "sis_id": "s.Teacher_id",
        "state_id": _nz("State_teacher_id"), "teacher_number": _nz("Teacher_number"), "title": _nz("Title"),
    }  # fmt: skip
    teacher_base: JsonShape = {
        "district": district,
        "email": _nz("Teacher_email"),
        "id": "s.hid",
        "name": _name(),
    }
    both: JsonShape = {**teacher_base, "roles": {"staff": staff_role("s.hid"), "teacher": teacher_role}}
    only: JsonShape = {**teacher_base, "roles": {"teacher": teacher_role}}
    conn.execute(
        f"INSERT INTO new_records SELECT 'teachers', s.hid, s.Teacher_id, CASE WHEN f.rowno IS NULL THEN {_json(only)} "
        f"ELSE {_json(both)} END FROM st_teachers s JOIN teacher_map m ON m.hid = s.hid AND m.sis = s.Teacher_id "
        "LEFT JOIN teacher_schools x ON x.key = s.hid LEFT JOIN teacher_staff ts ON ts.teacher = s.hid "
        "LEFT JOIN st_staff f ON f.rowno = ts.rowno LEFT JOIN school_map g ON g.sis = f.School_id WHERE s.err = 0"
    )
    staff: JsonShape = {"district": district, "email": _nz("Staff_email", "f"), "id": "f.hid", "name": _name("f", middle=False),
             "roles": {"staff": staff_role("f.hid")}}  # fmt: skip
    conn.execute(
        f"INSERT INTO new_records SELECT 'staff', f.hid, f.Staff_id, {_json(staff)} FROM st_staff f "
        "LEFT JOIN school_map g ON g.sis = f.School_id WHERE f.err = 0 AND f.Staff_id != '' "
        "AND f.rowno NOT IN (SELECT rowno FROM staff_match) ORDER BY f.rowno"
    )
    course = f"CASE WHEN s.Course_name != '' THEN hub_id({district}, 'course', s.Course_number || char(31) || s.Course_name) END"
    term = (
        f"CASE WHEN s.Term_name != '' OR s.Term_start != '' OR s.Term_end != '' THEN hub_id({district}, 'term', "
        "s.Term_name || char(31) || s.Term_start || char(31) || s.Term_end) END"
    )
    section: JsonShape = {
        "course": course, "district": district, "grade": _nz("Grade"), "id": "c.hid",
        "name": "COALESCE(NULLIF(s.Name, ''), NULLIF(s.Course_name, ''), s.Section_id)", "period": _nz("Period"),
        "school": "c.school", "section_number": _nz("Section_number"), "sis_id": "s.Section_id",
        "students": "json(COALESCE(u.list, '[]'))", "subject": _nz("Subject"),
        "teacher": "json_extract(t.list, '$[0]')", "teachers": "json(COALESCE(t.list, '[]'))", "term_id": term,
    }  # fmt: skip
    conn.execute(
        f"INSERT INTO new_records SELECT 'sections', c.hid, s.Section_id, {_json(section)} FROM section_map c "
        "JOIN st_sections s ON s.rowno = c.rowno LEFT JOIN section_students u ON u.key = c.hid "
        "LEFT JOIN section_teachers t ON t.key = c.hid"
    )
    courses: JsonShape = {
        "district": district,
        "id": "id",
        "name": "s.Course_name",
        "number": "NULLIF(s.Course_number, '')",
    }
    conn.execute(
        f"INSERT INTO new_records SELECT 'courses', id, '', {_json(courses)} FROM (SELECT {course} AS id, "
        "s.* FROM section_map c JOIN st_sections s ON s.rowno = c.rowno) s WHERE id IS NOT NULL GROUP BY id"
    )
    terms: JsonShape = {"district": district, "end_date": "iso_date(s.Term_end)", "id": "id", "name": "NULLIF(s.Term_name, '')",
             "start_date": "iso_date(s.Term_start)"}  # fmt: skip
    conn.execute(
        f"INSERT INTO new_records SELECT 'terms', id, '', {_json(terms)} FROM (SELECT {term} AS id, "
        "s.* FROM section_map c JOIN st_sections s ON s.rowno = c.rowno) s WHERE id IS NOT NULL GROUP BY id"
    )
    conn.execute(
        "CREATE TABLE people AS SELECT 'students' AS kind, s.hid AS id, s.lo_sis AS sis_id, s.lo_email AS email, "
        "s.lo_first AS first, s.lo_last AS last, trim(s.lo_first || ' ' || s.lo_last) AS full FROM st_students s "
        "JOIN student_map m ON m.hid = s.hid AND m.sis = s.Student_id WHERE s.err = 0 UNION ALL "
        "SELECT 'teachers', s.hid, s.lo_sis, s.lo_email, s.lo_first, s.lo_last, trim(s.lo_first || ' ' || s.lo_last) "
        "FROM st_teachers s JOIN teacher_map m ON m.hid = s.hid AND m.sis = s.Teacher_id WHERE s.err = 0"
    )
    _warning_counts(conn)
    conn.execute(
        "CREATE TABLE memberships AS SELECT DISTINCT user_id, section_id FROM (SELECT student AS user_id, "
        "section AS section_id FROM enrolled UNION ALL SELECT teacher, section FROM teaching) ORDER BY user_id, section_id"
    )


def _warning_counts(conn: sqlite3.Connection) -> None:
    """warnings(code, count): the validation page's data warnings over the whole new data set, as
    wizard.sandbox.sharing.data_warnings counts them for a connection that shares everything."""
    queries = {
        "sections_without_teacher": "SELECT count(*) FROM section_map WHERE hid NOT IN (SELECT key FROM section_teachers)",
        "sections_without_students": "SELECT count(*) FROM section_map WHERE hid NOT IN (SELECT key FROM section_students)",
        "students_without_section": "SELECT count(*) FROM student_map m WHERE NOT EXISTS (SELECT 1 FROM "
        "st_enrollments e WHERE e.Student_id = m.sis AND e.err != 1)",
        "teachers_without_email": "SELECT count(*) FROM st_teachers s JOIN teacher_map m ON m.hid = s.hid "
        "AND m.sis = s.Teacher_id WHERE s.err = 0 AND s.Teacher_email = ''",
        "students_without_grade": "SELECT count(*) FROM st_students s JOIN student_map m ON m.hid = s.hid "
        "AND m.sis = s.Student_id WHERE s.err = 0 AND s.Grade = ''",
        "duplicate_emails": "SELECT count(*) FROM people WHERE email != '' AND email IN "
        "(SELECT email FROM people WHERE email != '' GROUP BY email HAVING count(*) > 1)",
    }  # fmt: skip
    conn.execute("CREATE INDEX IF NOT EXISTS st_enrollments_student ON st_enrollments (Student_id)")
    conn.execute("CREATE TABLE warnings (code TEXT PRIMARY KEY, count INTEGER NOT NULL)")
    for code, query in queries.items():
        conn.execute(f"INSERT INTO warnings VALUES (?, ({query}))", (code,))


# --- comparing with the current data set and applying it -----------------------------------------------------

TIMESTAMP_PATHS = ", ".join(
    f"'$.{path}'" for path in ("created", "last_modified", *(f"roles.{r}.{f}" for r in ("student", "teacher")
                                                               for f in ("created", "last_modified")))
)  # fmt: skip


def compare(conn: sqlite3.Connection, district_id: str) -> tuple[dict[str, KindChanges], float]:
    """On a hub connection with the scratch database attached as `scratch`: per kind what the new set adds,
    changes and removes, and the share of the current set it touches; scratch.final then holds each new
    record with its timestamps (an unchanged record keeps both, a changed one its creation time)."""
    conn.execute("DROP TABLE IF EXISTS scratch.final")
    conn.execute(
        "CREATE TABLE scratch.final AS SELECT n.kind, n.id, n.sis_id, n.body, CASE WHEN o.id IS NULL THEN 'added' "
        f"WHEN json_remove(o.data, {TIMESTAMP_PATHS}) = n.body THEN 'same' ELSE 'updated' END AS state, "
        "json_extract(o.data, '$.created') AS created, json_extract(o.data, '$.last_modified') AS modified "
        "FROM scratch.new_records n LEFT JOIN main.records o ON o.district_id = ? AND o.kind = n.kind AND o.id = n.id",
        (district_id,),
    )
    states: dict[tuple[str, str], int] = {
        (str(kind), str(state)): int(count)
        for kind, state, count in conn.execute(
            "SELECT kind, state, count(*) FROM scratch.final GROUP BY kind, state"
        )
    }
    before: dict[str, int] = {
        str(kind): int(count)
        for kind, count in conn.execute(
            "SELECT kind, count(*) FROM main.records WHERE district_id = ? GROUP BY kind", (district_id,)
        )
    }
    changes: dict[str, KindChanges] = {}
    for kind in CHANGE_KINDS:
        kept = states.get((kind, "same"), 0) + states.get((kind, "updated"), 0)
        changes[kind] = KindChanges(
            added=states.get((kind, "added"), 0),
            updated=states.get((kind, "updated"), 0),
            removed=before.get(kind, 0) - kept,
        )
    total_before = sum(before.get(kind, 0) for kind in CHANGE_KINDS)
    touched = sum(c.added + c.updated + c.removed for c in changes.values())
    return changes, (touched / total_before if total_before else 0.0)


def _stamped(now: str) -> str:
    created = f"CASE WHEN state = 'added' THEN {_lit(now)} ELSE COALESCE(created, {_lit(now)}) END"
    modified = f"CASE WHEN state = 'same' THEN COALESCE(modified, {_lit(now)}) ELSE {_lit(now)} END"
    top = f"'$.created', {created}, '$.last_modified', {modified}"
    return (
        f"CASE kind WHEN 'courses' THEN body WHEN 'terms' THEN body "
        f"WHEN 'students' THEN json_set(body, {top}, '$.roles.student.created', {created}, "
        f"'$.roles.student.last_modified', {modified}) "
        f"WHEN 'teachers' THEN json_set(body, {top}, '$.roles.teacher.created', {created}, "
        f"'$.roles.teacher.last_modified', {modified}) ELSE json_set(body, {top}) END"
    )


def apply_records(conn: sqlite3.Connection, district_id: str, now: str) -> None:
    """Replace the district's data set with scratch.final (after `compare`), inside the caller's transaction."""
    conn.execute("DELETE FROM main.records WHERE district_id = ?", (district_id,))
    conn.execute("UPDATE districts SET roster_version = roster_version + 1 WHERE id = ?", (district_id,))
    conn.execute(
        f"INSERT INTO main.records (district_id, kind, id, sis_id, data) SELECT ?, kind, id, sis_id, {_stamped(now)} "
        "FROM scratch.final ORDER BY id",  # id order on disk too: a keyset page reads neighbouring pages
        (district_id,),
    )
    conn.execute("DELETE FROM main.record_counts WHERE district_id = ?", (district_id,))
    conn.execute(
        "INSERT INTO main.record_counts (district_id, kind, count) SELECT ?, kind, count(*) FROM scratch.final "
        "GROUP BY kind",
        (district_id,),
    )
    conn.execute("DELETE FROM main.district_warnings WHERE district_id = ?", (district_id,))
    conn.execute(
        "INSERT INTO main.district_warnings (district_id, code, count) SELECT ?, code, count FROM scratch.warnings",
        (district_id,),
    )
    conn.execute("DELETE FROM main.people WHERE district_id = ?", (district_id,))
    conn.execute(
        "INSERT INTO main.people (district_id, kind, id, sis_id, email, first, last, full) "
        "SELECT ?, kind, id, sis_id, email, first, last, full FROM scratch.people",
        (district_id,),
    )
    conn.execute("DELETE FROM main.memberships WHERE district_id = ?", (district_id,))
    conn.execute(
        "INSERT OR IGNORE INTO main.memberships (district_id, user_id, section_id) "
        "SELECT ?, user_id, section_id FROM scratch.memberships",
        (district_id,),
    )
