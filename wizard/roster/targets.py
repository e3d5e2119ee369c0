"""The prepared roster written for other hubs too: a OneRoster 1.1 bulk zip (what ClassLink's Roster Server takes
by SFTP) and a Microsoft SDS v2.1 folder, next to the hub set.

Each is converted from the validated hub tables (ids kept as text, grades as CEDS codes, dates as YYYY-MM-DD, the
standard's vocabularies from resources/roster_standards.toml), written beside its final place, read back with
this package's own reader, and kept only if it reads back as the hub set it came from, record for record (the
values the standard has no place for are listed in the notes and left out of the comparison). A difference is
a defect: RoundTripError says which record and column, and nothing is left behind. The conversions are in
conversion.py (what they share), oneroster_out.py and sds_out.py; this module writes and checks the sets.

    export = export_roster(result, Path("out"), ["hub", "oneroster", "sds"], allow_errors=False)
    export.written  # the hub files, report, summary.json;  export.sets  # TargetOutput per standard set
"""

from __future__ import annotations

import json
import shutil
import tempfile
import zipfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import cast

import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from wizard.errors import UserFacingError
from wizard.fileio import atomic_writer, exchange_folders, fsync_folder, write_text_atomically
from wizard.roster import spec, standards
from wizard.roster.arrowtext import arrow
from wizard.roster.conversion import ONEROSTER_CARRIED, SDS_CARRIED, Conversion, Tables
from wizard.roster.csvout import write_frame_csv
from wizard.roster.oneroster_out import to_oneroster
from wizard.roster.pipeline import (
    SUMMARY_NAME,
    InputFormat,
    PrepareOptions,
    PrepareResult,
    WrittenFiles,
    prepare,
    write_outputs,
)
from wizard.roster.sds_out import to_sds
from wizard.tasks import CancelToken, ProgressCallback, no_progress

STANDARD_TARGETS = tuple(standards.EXPORT_TARGETS)
ONEROSTER_ZIP = "oneroster_1.1.zip"
SDS_FOLDER = "sds_v2.1"
OUTPUT_NAMES = {"oneroster": ONEROSTER_ZIP, "sds": SDS_FOLDER}


class RoundTripError(UserFacingError):
    """A written set did not read back as the roster it was made from (a defect: nothing is kept)."""


@dataclass
class TargetOutput:
    """One standard set written: where, how many rows per file, and what the standard could not carry."""

    target: str
    name: str  # "OneRoster 1.1", "Microsoft SDS v2.1"
    path: Path
    counts: dict[str, int]
    notes: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, object]:
        return {
            "format": self.name,
            "path": self.path.name,
            "files": dict(self.counts),
            "round_trip": "identical",
            "not_carried": list(self.notes),
        }


# --- writing and the round trip -----------------------------------------------------------------------------

CONVERTERS: dict[str, tuple[str, str, Callable[[Tables], Conversion]]] = {
    "oneroster": (standards.ONEROSTER_11, "OneRoster 1.1", to_oneroster),
    "sds": (standards.SDS_V21, "Microsoft SDS v2.1", to_sds),
}


def write_targets(
    result: PrepareResult,
    out_dir: Path,
    targets: Sequence[str],
    *,
    allow_errors: bool = False,
    progress: ProgressCallback = no_progress,
    cancel: CancelToken | None = None,
) -> list[TargetOutput]:
    """Write the OneRoster 1.1 zip and/or SDS v2.1 folder for `targets` into `out_dir` (after write_outputs),
    each checked by reading it back; record them in summary.json. Like the hub files they are written only when
    the roster has no errors (or with allow_errors, then without the rows with errors); earlier ones that this
    run does not write are removed, so the folder never holds sets that disagree. Raises RoundTripError (and
    keeps nothing of that set) when a set does not read back as the roster."""
    wanted = [target for target in dict.fromkeys(targets) if target in CONVERTERS]
    _remove_leftovers(out_dir)
    upload = result.error_count == 0 or allow_errors
    # a plain hub export (no standard set wanted) must not pay for a filtered copy of every table
    tables = (
        (result.clean_tables() if result.error_count else dict(result.tables)) if wanted and upload else {}
    )
    outputs: list[TargetOutput] = []
    for index, target in enumerate(wanted if upload else []):
        if cancel is not None:
            cancel.raise_if_cancelled()
        format_id, name, convert = CONVERTERS[target]
        progress(index, len(wanted), f"Writing the {name} set")
        conversion = convert(tables)
        outputs.append(_write_checked(target, format_id, name, conversion, out_dir))
    removed = remove_stale_targets(out_dir, {output.target for output in outputs})
    _record_in_summary(out_dir, outputs, removed)
    progress(len(wanted), len(wanted), "Sets written")
    return outputs


def _remove_leftovers(out_dir: Path) -> None:
    """Staging folders a killed run left (".oneroster_1.1.zip.*", ".sds_v2.1.*")."""
    if not out_dir.is_dir():
        return
    for entry in out_dir.iterdir():
        if entry.is_dir() and any(entry.name.startswith(f".{name}.") for name in OUTPUT_NAMES.values()):
            shutil.rmtree(entry, ignore_errors=True)


@dataclass
class Export:
    """What one export wrote: the hub files, report and summary (`written`) and the standard sets (`sets`)."""

    written: WrittenFiles
    sets: list[TargetOutput]


def export_roster(
    result: PrepareResult,
    out_dir: Path,
    targets: Sequence[str] = ("hub",),
    *,
    allow_errors: bool = False,
    progress: ProgressCallback = no_progress,
    cancel: CancelToken | None = None,
) -> Export:
    """The one call for an export (CLI and GUI): the hub set, report and summary.json, then the OneRoster 1.1
    zip and/or SDS v2.1 folder named in `targets` ("hub", "oneroster", "sds"), each read back identical."""
    written = write_outputs(result, out_dir, allow_errors=allow_errors)
    chosen = [target for target in targets if target in STANDARD_TARGETS]
    sets = write_targets(result, out_dir, chosen, allow_errors=allow_errors, progress=progress, cancel=cancel)
    return Export(written, sets)


def remove_stale_targets(out_dir: Path, keep: set[str]) -> list[Path]:
    """Remove our OneRoster zip / SDS folder (recognised by name and contents) that this run did not write."""
    removed: list[Path] = []
    for target, name in OUTPUT_NAMES.items():
        path = out_dir / name
        if target in keep or not path.exists():
            continue
        if target == "oneroster" and path.is_file():
            path.unlink()
            removed.append(path)
        elif target == "sds" and path.is_dir():
            ours = {entry.name for entry in standards.standard(standards.SDS_V21).files.values()}
            if all(child.name in ours for child in path.iterdir()):
                shutil.rmtree(path)
                removed.append(path)
    return removed


def _record_in_summary(out_dir: Path, outputs: list[TargetOutput], removed: list[Path]) -> None:
    summary_path = out_dir / SUMMARY_NAME
    if not summary_path.is_file():
        return
    summary = json.loads(summary_path.read_text(encoding="utf-8"))
    summary["targets"] = {output.target: output.to_dict() for output in outputs}
    if removed:
        summary["stale_files_removed"] = [
            *summary.get("stale_files_removed", []),
            *(path.name for path in removed),
        ]
    write_text_atomically(summary_path, json.dumps(summary, indent=2, ensure_ascii=False) + "\n")


def _write_checked(
    target: str, format_id: str, name: str, conversion: Conversion, out_dir: Path
) -> TargetOutput:
    final = out_dir / OUTPUT_NAMES[target]
    staging = Path(tempfile.mkdtemp(prefix=f".{final.name}.", dir=out_dir))
    try:
        folder = staging / "set"
        folder.mkdir(mode=0o700)  # the SDS folder holds student data: user-only, as its files
        for file_name, frame in conversion.files.items():
            write_frame_csv(frame, folder / file_name)
        if target == "oneroster":
            built = staging / final.name
            with zipfile.ZipFile(built, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=1) as bundle:
                for file_name in conversion.files:
                    bundle.write(folder / file_name, file_name)
        else:
            built = folder
        check_round_trip(built, format_id, name, conversion.expected)
        _replace(built, final)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    counts = {
        file_name: len(frame) for file_name, frame in conversion.files.items() if file_name != "manifest.csv"
    }
    return TargetOutput(target, name, final, counts, conversion.notes)


def _replace(built: Path, final: Path) -> None:
    """Move the checked set into place: the zip through the one atomic writer (user-only), the folder (its files
    already written that way) swapped with the earlier one in one step where the system can
    (wizard.fileio.exchange_folders), else by renames: the earlier folder moved aside first and removed after."""
    if built.is_file():
        with built.open("rb") as source, atomic_writer(final) as stream:
            shutil.copyfileobj(source, stream, 1024 * 1024)
        return
    if final.is_dir() and not final.is_symlink() and exchange_folders(built, final):
        fsync_folder(final.parent)
        shutil.rmtree(built, ignore_errors=True)  # the earlier folder, now at the staging name
        return
    old = None
    if final.exists():
        old = final.with_name(f".{final.name}.old")
        shutil.rmtree(old, ignore_errors=True)
        final.rename(old)
    built.rename(final)
    fsync_folder(final.parent)
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)


def check_round_trip(path: Path, format_id: str, name: str, expected: Tables) -> None:
    """Read `path` back as `format_id` and compare with `expected`, record for record; RoundTripError if not."""
    back = prepare([path], PrepareOptions(input_format=cast(InputFormat, format_id)))
    errors = back.issue_frame[back.issue_frame["severity"] == "error"]
    if len(errors):
        first = errors.iloc[0]
        raise RoundTripError(
            f"The {name} set written from this roster reads back with {len(errors):,} error(s) "
            f"(first: {first['file']} row {first['row']}: {first['message']}), so it was not kept.",
            "This is a defect in the wizard: please report it with validation_report.csv.",
        )
    differences = compare_tables(expected, back.tables)
    if differences:
        raise RoundTripError(
            f"The {name} set written from this roster does not read back the same ({'; '.join(differences[:3])}), "
            "so it was not kept.",
            "This is a defect in the wizard: please report it with validation_report.csv.",
        )


def compare_tables(expected: Tables, actual: Tables) -> list[str]:
    """What differs between two sets of hub tables, record by record (empty when they are identical). Both
    sides are sorted by id (then every column) and compared column by column in Arrow."""
    differences: list[str] = []
    kinds = [kind for kind in spec.HUB_KINDS if len(expected.get(kind, ())) or len(actual.get(kind, ()))]
    for kind in kinds:
        columns = spec.hub_columns(kind)
        left = _sorted(expected.get(kind), kind)
        right = _sorted(actual.get(kind), kind)
        if left.num_rows != right.num_rows:
            differences.append(
                f"{spec.hub_file_name(kind)}: {left.num_rows:,} records, {right.num_rows:,} read back"
            )
            continue
        for name in columns:
            same = pc.equal(left.column(name), right.column(name))
            if pc.all(same).as_py():
                continue
            row = int(pc.index(same, False).as_py())
            id_column = spec.kind_spec(kind).id_column or columns[0]
            was, now = str(left.column(name)[row].as_py()), str(right.column(name)[row].as_py())
            if name == "Password":  # never in a message
                was, now = "*" * len(was), "*" * len(now)
            record = left.column(id_column)[row].as_py()
            differences.append(f"{spec.hub_file_name(kind)} {record}: {name} {was!r} reads back as {now!r}")
            break
    return differences


def _sorted(frame: pd.DataFrame | None, kind: str) -> pa.Table:
    columns = spec.hub_columns(kind)
    if frame is None:
        return pa.table({column: pa.array([], pa.large_string()) for column in columns})
    table = pa.table(
        {
            column: arrow(frame[column].astype("str").fillna(""))
            if column in frame
            else pa.nulls(len(frame), pa.large_string()).fill_null("")
            for column in columns
        }
    )
    id_column = spec.kind_spec(kind).id_column
    order = [id_column, *[column for column in columns if column != id_column]] if id_column else columns
    return table.sort_by([(column, "ascending") for column in order])


__all__ = [
    "ONEROSTER_CARRIED",
    "ONEROSTER_ZIP",
    "SDS_CARRIED",
    "SDS_FOLDER",
    "STANDARD_TARGETS",
    "Conversion",
    "Export",
    "RoundTripError",
    "TargetOutput",
    "check_round_trip",
    "compare_tables",
    "export_roster",
    "remove_stale_targets",
    "to_oneroster",
    "to_sds",
    "write_targets",
]
