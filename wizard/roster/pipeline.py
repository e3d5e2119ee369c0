"""Offline roster preparation end to end: inputs -> hub tables + issues -> upload files, report and summary.

result = prepare([Path("exports/")], PrepareOptions(date_order="mdy"))
write_outputs(result, Path("out"), allow_errors=False)
"""

from __future__ import annotations

import json
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any, Literal

import numpy as np
import pandas as pd

from wizard.errors import UsageError, UserFacingError
from wizard.fileio import (
    FolderTransaction,
    recover_folder,
    remove_leftover_temporaries,
    write_text_atomically,
)
from wizard.roster import spec, standards
from wizard.roster.arrowtext import isin
from wizard.roster.csvout import write_frame_csv
from wizard.roster.issues import (
    REPORT_HEADER,
    Issue,
    IssueLog,
    cap_warnings,
    frame_to_issues,
    neutralise_formulas,
    summary_line_mask,
)
from wizard.roster.mapping import MappingSpec, load_mapping
from wizard.roster.normalise import DateOrder
from wizard.roster.sources import Source, expand_inputs, resolve_format
from wizard.roster.staging import Staged, concat_staged, derive_columns
from wizard.roster.tabular import InputSummary, Staging, stage_tabular
from wizard.roster.validate import validate
from wizard.tasks import CancelToken, ProgressCallback, no_progress

InputFormat = Literal[
    "auto", "hub", "sis", "oneroster", "oneroster-1.1", "oneroster-1.2", "sds", "sds-v1", "sds-v2.1"
]
# --format's choices: a family without its version ("oneroster", "sds") takes the version from the files
INPUT_FORMATS: tuple[str, ...] = (
    "auto",
    "hub",
    "sis",
    "oneroster",
    "oneroster-1.1",
    "oneroster-1.2",
    "sds",
    "sds-v1",
    "sds-v2.1",
)
REPORT_NAME = "validation_report.csv"
# warnings listed one by one per (code, file, column); the rest are counted (see issues.cap_warnings)
WARNING_LIST_LIMIT = 1000
SUMMARY_NAME = "summary.json"

__all__ = [
    "REPORT_NAME",
    "SUMMARY_NAME",
    "InputSummary",
    "OutputError",
    "PrepareOptions",
    "PrepareResult",
    "WrittenFiles",
    "prepare",
    "write_outputs",
]


class OutputError(UserFacingError):
    """The output folder cannot be created or written."""


@dataclass
class PrepareOptions:
    input_format: InputFormat = "auto"
    overrides: dict[str, Path] = field(default_factory=dict)  # kind -> file, like --students F
    mapping_file: Path | None = None  # TOML or JSON
    mapping: MappingSpec | None = None  # the same content in memory (the GUI's edited mapping); wins
    date_order: DateOrder | None = None


@dataclass
class PrepareResult:
    tables: dict[str, pd.DataFrame]  # kind -> frame with exactly hub_columns(kind); all rows
    error_rows: dict[str, pd.Index]  # kind -> index labels (of `tables[kind]`) of rows with errors
    issue_frame: pd.DataFrame  # every issue, one row each, columns as the report (mass warnings capped)
    mapping: MappingSpec
    inputs: list[InputSummary]
    input_format: str = "sis"
    # code -> how many issues of that code exist but are not listed (see WARNING_LIST_LIMIT)
    not_listed: dict[str, int] = field(default_factory=dict)
    # kind -> where each row of tables[kind] came from: columns "file" (input name) and "row" (its spreadsheet
    # row), aligned with tables[kind]'s index; lets a preview put each issue on its cell
    origins: dict[str, pd.DataFrame] = field(default_factory=dict)
    # the exact format read: "oneroster-1.2", "sds-v2.1", "sds-v1", "hub", "sis", ...
    format_id: str = ""

    @property
    def format_name(self) -> str:
        """Which format was read, for people: "OneRoster 1.2", "Microsoft SDS v2.1", "the hub's CSV set", ..."""
        return standards.format_name(self.format_id or self.input_format)

    @property
    def format_version(self) -> str:
        """The version of the standard read ("1.1", "1.2", "v1", "v2.1"; "" for the hub set and SIS exports)."""
        _family, _, version = (self.format_id or self.input_format).partition("-")
        return version

    @cached_property
    def issues(self) -> list[Issue]:
        return frame_to_issues(self.issue_frame)

    @property
    def error_count(self) -> int:
        return int((self.issue_frame["severity"] == "error").sum())  # errors are never capped

    @property
    def warning_count(self) -> int:
        listed = self.issue_frame["severity"] == "warning"
        summary_lines = listed & summary_line_mask(self.issue_frame)
        return int(listed.sum()) - int(summary_lines.sum()) + sum(self.not_listed.values())

    def clean_tables(self) -> dict[str, pd.DataFrame]:
        """The tables with every row that has an error left out."""
        return {kind: frame[self.keep_mask(kind)] for kind, frame in self.tables.items()}

    def left_out_ids(self, kind: str) -> list[str]:
        """Ids of `kind` with no row free of errors: in the inputs but not in an --allow-errors upload."""
        id_column = spec.kind_spec(kind).id_column
        if kind not in self.tables or id_column is None:
            return []
        ids = self.tables[kind][id_column].astype("str")
        with_errors = ~self.keep_mask(kind)
        if not with_errors.any():
            return []
        candidates = ids[with_errors]
        left_out = ~isin(candidates, ids[~with_errors]) & (candidates != "").to_numpy()
        return sorted(set(candidates[left_out]))

    def keep_mask(self, kind: str) -> np.ndarray:
        """Per row of tables[kind] (by position): True when it has no error."""
        frame = self.tables[kind]
        keep = np.ones(len(frame), dtype=bool)
        error_rows = self.error_rows.get(kind)
        if error_rows is not None and len(error_rows):
            positions = frame.index.get_indexer(error_rows)
            keep[positions[positions >= 0]] = False
        return keep

    def issues_by_code(self) -> dict[str, int]:
        """True totals per code, including warnings not listed one by one."""
        frame = self.issue_frame
        summary_lines = summary_line_mask(frame)
        counts = frame.loc[~summary_lines, "code"].value_counts()
        totals = {str(code): int(count) for code, count in counts.items()}
        for code, count in self.not_listed.items():
            totals[code] = totals.get(code, 0) + count
        return dict(sorted(totals.items()))

    def summary(self) -> dict[str, Any]:
        """The content of summary.json."""
        clean = {kind: len(frame) - len(self.error_rows.get(kind, [])) for kind, frame in self.tables.items()}
        return {
            "format": self.input_format,
            "format_version": self.format_version,
            "format_name": self.format_name,
            "counts": {spec.hub_file_name(kind): count for kind, count in clean.items()},
            "rows_with_errors": {
                spec.hub_file_name(kind): len(self.error_rows.get(kind, [])) for kind in self.tables
            },
            "errors": self.error_count,
            "warnings": self.warning_count,
            "issues_by_code": self.issues_by_code(),
            "warnings_not_listed": dict(self.not_listed),
            "inputs": [summary.to_dict() for summary in self.inputs],
        }


def prepare(
    inputs: Sequence[Path],
    options: PrepareOptions | None = None,
    progress: ProgressCallback = no_progress,
    cancel: CancelToken | None = None,
) -> PrepareResult:
    """Read, convert, normalise and validate `inputs` (files, folders, zips).

    Raises UsageError (a UserFacingError) when an input path does not exist, the mapping file is unusable or
    not a single input could be read; everything else becomes an issue in the result.
    """
    options = options or PrepareOptions()
    if not inputs:
        raise UsageError("No input files were given.", "Name the SIS export files, a folder or a zip.")
    saved = options.mapping
    if saved is None and options.mapping_file is not None:
        saved = load_mapping(options.mapping_file)
    for kind, path in options.overrides.items():
        if kind not in spec.HUB_KINDS:
            raise UsageError(f"{kind!r} is not a hub file kind.", f"Use one of: {', '.join(spec.HUB_KINDS)}.")
        if not path.exists():
            raise UsageError(f"The {kind} file {path} does not exist.", "Check the path and try again.")
    log = IssueLog()
    summaries: list[InputSummary] = []
    used = MappingSpec()
    all_paths = [*inputs, *(path for path in options.overrides.values() if path not in inputs)]
    with tempfile.TemporaryDirectory(prefix="roster-") as workdir:
        input_set = expand_inputs(all_paths, Path(workdir))
        for code, name, message in input_set.problems:
            log.add(code, name, message)
        if not input_set.sources:
            reasons = "; ".join(message for _, _, message in input_set.problems)
            raise UsageError(f"None of the inputs could be read. {reasons}".strip(), "")
        format_id = resolve_format(options.input_format, input_set)
        staged = _stage(format_id, input_set.sources, options, saved, log, summaries, used, progress, cancel)
        if options.input_format == "auto" and format_id in ("hub", "sis"):
            format_id = "hub" if _all_exact(used) else "sis"
        input_format = format_id.partition("-")[0]
        if not staged and not summaries:
            reasons = " ".join(issue.message for issue in frame_to_issues(log.frame()))
            raise UsageError(f"None of the inputs could be read. {reasons}".strip(), "")
        for summary in summaries:  # files unpacked from a zip are gone after this block
            if summary.path is not None and Path(workdir) in summary.path.parents:
                summary.path = None
    tables = {kind: concat_staged(parts) for kind, parts in staged.items()}
    if options.input_format != "hub":  # an upload in the hub's own format must carry every required column
        derive_columns(tables)
    _report_missing_files(tables, log, input_format)
    errors = validate(tables, log, date_order=options.date_order, progress=progress, cancel=cancel)
    result_tables = {kind: tables[kind].frame for kind in spec.HUB_KINDS if kind in tables}
    error_rows = {kind: result_tables[kind].index[np.asarray(errors[kind])] for kind in result_tables}
    issue_frame, not_listed = cap_warnings(log.frame(), WARNING_LIST_LIMIT)
    origins = {
        kind: pd.DataFrame(
            {"file": tables[kind].file, "row": tables[kind].row}, index=result_tables[kind].index
        )
        for kind in result_tables
    }
    return PrepareResult(
        result_tables, error_rows, issue_frame, used, summaries, input_format, not_listed, origins, format_id
    )


def _stage(
    input_format: str,
    sources: list[Source],
    options: PrepareOptions,
    saved: MappingSpec | None,
    log: IssueLog,
    summaries: list[InputSummary],
    used: MappingSpec,
    progress: ProgressCallback,
    cancel: CancelToken | None,
) -> dict[str, list[Staged]]:
    staging = Staging(log, summaries, used, progress, cancel)
    if input_format in (standards.ONEROSTER_11, standards.ONEROSTER_12, standards.SDS_V21):
        from wizard.roster.oneroster import stage_standard

        return stage_standard(input_format, sources, staging)
    if input_format == standards.SDS_V1:
        from wizard.roster.sds import stage_sds

        return stage_sds(sources, staging)
    return stage_tabular(
        sources,
        overrides=options.overrides,
        saved=saved,
        exact_only=input_format == "hub" and options.input_format == "hub",
        staging=staging,
    )


def _all_exact(used: MappingSpec) -> bool:
    """Every input file had exactly the hub's headers (and nothing else): the set was already hub format."""
    return bool(used.files) and all(
        not mapping.unmapped and all(header == target for header, target in mapping.columns.items())
        for mapping in used.files.values()
    )


def _report_missing_files(tables: dict[str, Staged], log: IssueLog, input_format: str) -> None:
    for kind in spec.REQUIRED_KINDS:
        if kind not in tables:
            file_name = spec.hub_file_name(kind)
            log.add(
                "missing_file",
                file_name,
                f"No {kind} file is among the inputs, and the hub needs {file_name}. Add the {kind} export "
                f"(or name it with --{kind} FILE).",
            )


# --- output -----------------------------------------------------------------------------------------------


class WrittenFiles(list[Path]):
    """The paths written, plus `removed`: hub upload files an earlier run left in the folder that this run did
    not write (they would no longer match the report, so they must not be uploaded by mistake)."""

    def __init__(self) -> None:
        super().__init__()
        self.removed: list[Path] = []


def write_outputs(result: PrepareResult, out_dir: Path, *, allow_errors: bool = False) -> WrittenFiles:
    """Write the hub CSVs (when there are no errors, or with allow_errors then without the rows with errors),
    validation_report.csv and summary.json into `out_dir` as one set. Returns the paths written.

    The set is atomic as a whole: it is written into a staging folder beside `out_dir` and the two folders
    are swapped in one step (wizard.fileio.FolderTransaction), so a run killed at any point leaves the
    previous set or the new one in `out_dir`, never a mix; what a killed run left is removed first. Hub upload files (their
    exact names only) from an earlier run that this run does not write are removed in the same commit, so
    the folder never holds an upload set that disagrees with its report and summary.json."""
    try:
        if (
            not out_dir.is_dir()
        ):  # a folder made for the set is user-only, as its files; one that exists is kept
            out_dir.mkdir(mode=0o700, parents=True, exist_ok=True)
    except OSError as error:
        raise OutputError(
            f"The output folder {out_dir} cannot be created: {error.strerror or error}.",
            "Choose a folder you can write to with --out.",
        ) from error
    input_paths = {summary.path.resolve() for summary in result.inputs if summary.path is not None}
    written = WrittenFiles()
    try:
        targets = [out_dir / spec.hub_file_name(kind) for kind in result.tables]
        for target in [*targets, out_dir / REPORT_NAME, out_dir / SUMMARY_NAME]:  # before writing anything
            if target.resolve() in input_paths:
                raise OutputError(
                    f"Writing {target} would overwrite an input file.", "Choose another folder with --out."
                )
        recover_output_folder(out_dir)
        upload = result.error_count == 0 or allow_errors
        written.removed = stale_uploads(out_dir, set(result.tables) if upload else set(), input_paths)
        with FolderTransaction(out_dir) as transaction:
            if upload:
                for kind, frame in result.tables.items():
                    name = spec.hub_file_name(kind)
                    keep = result.keep_mask(kind) if result.error_count else None  # clean_tables(), unbuilt
                    write_frame_csv(frame, transaction.path(name), spec.hub_columns(kind), keep=keep)
                    written.append(out_dir / name)
            write_report(result.issue_frame, transaction.path(REPORT_NAME))
            written.append(out_dir / REPORT_NAME)
            summary = result.summary()
            summary["files_written"] = [path.name for path in written if path.name != REPORT_NAME]
            summary["upload_files_written"] = upload
            summary["stale_files_removed"] = [path.name for path in written.removed]
            if upload and result.error_count:
                # students.csv is written without these: a vendor import made from it must not call them leavers
                summary["students_left_out"] = result.left_out_ids("students")
            text = json.dumps(summary, indent=2, ensure_ascii=False) + "\n"
            write_text_atomically(transaction.path(SUMMARY_NAME), text, sync_folder=False)
            written.append(out_dir / SUMMARY_NAME)
            transaction.commit(remove=[path.name for path in written.removed])
    except OutputError:
        raise
    except OSError as error:
        raise OutputError(
            f"Cannot write into {out_dir}: {error.strerror or error}.",
            "Choose a folder you can write to with --out.",
        ) from error
    return written


OUTPUT_NAMES = frozenset({*(spec.hub_file_name(kind) for kind in spec.HUB_KINDS), REPORT_NAME, SUMMARY_NAME})


def recover_output_folder(out_dir: Path) -> None:
    """Finish or undo what a prepare killed while writing left in `out_dir`, and remove the hidden temporary
    files an earlier version left there (only those of the output files' names)."""
    recover_folder(out_dir, OUTPUT_NAMES)
    remove_leftover_temporaries(out_dir, set(OUTPUT_NAMES))


def stale_uploads(out_dir: Path, keep_kinds: set[str], input_paths: set[Path]) -> list[Path]:
    """The hub upload files (exact hub names, regular files, never an input) not about to be rewritten."""
    return [
        path
        for kind in spec.HUB_KINDS
        if kind not in keep_kinds
        and (path := out_dir / spec.hub_file_name(kind)).is_file()
        and path.resolve() not in input_paths
    ]


def write_report(issue_frame: pd.DataFrame, path: Path) -> None:
    """validation_report.csv; every text cell neutralised against spreadsheet formula injection."""
    report = pd.DataFrame(
        {
            column: (
                issue_frame["row"].astype("string").fillna("").astype("str")
                if column == "row"
                else neutralise_formulas(issue_frame[column])
            )
            for column in REPORT_HEADER
        }
    )
    write_frame_csv(report, path, REPORT_HEADER)
