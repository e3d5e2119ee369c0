"""`python main.py prepare INPUT... --out DIR`: offline roster preparation from the command line.

Exit 0: no errors, upload files written. Exit 1: errors; report and summary written (upload files only with
--allow-errors, then without the rows with errors). Exit 2: a usage problem or inputs that cannot be read at all.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path
from typing import TextIO

from wizard.cli import vendor as vendor_cli
from wizard.cli.progress import StderrProgress
from wizard.errors import UserFacingError
from wizard.roster import spec
from wizard.roster.issues import severity_of
from wizard.roster.pipeline import (
    INPUT_FORMATS,
    REPORT_NAME,
    PrepareOptions,
    PrepareResult,
    WrittenFiles,
    prepare,
)
from wizard.roster.targets import STANDARD_TARGETS, TargetOutput, export_roster
from wizard.wording import counted

EXIT_OK, EXIT_ERRORS, EXIT_USAGE = 0, 1, 2


def add_parser(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = subparsers.add_parser(
        "prepare",
        help="turn SIS exports into the hub's CSV set, offline",
        description="Turn raw SIS exports (CSV/TSV/TXT/XLSX, a OneRoster 1.1 or 1.2 bulk zip or folder, or a "
        "Microsoft SDS v1 or v2.1 CSV set) into the hub's upload files, with validation_report.csv and summary.json; "
        "with --target oneroster / sds also a OneRoster 1.1 bulk zip and an SDS v2.1 folder, each read back. "
        "Exit 0: no errors; 1: errors (see the report); 2: the command or inputs cannot be used.",
    )
    parser.add_argument("inputs", nargs="*", type=Path, metavar="INPUT", help="files, folders or zips")
    parser.add_argument("--out", type=Path, required=True, metavar="DIR", help="folder for the output files")
    parser.add_argument(
        "--format",
        dest="input_format",
        choices=INPUT_FORMATS,
        default="auto",
        help="the input format (default: recognised from the files; oneroster or sds alone take the version "
        "from the files)",
    )
    for kind in spec.HUB_KINDS:
        parser.add_argument(
            f"--{kind}",
            type=Path,
            metavar="FILE",
            dest=f"kind_{kind}",
            help=f"this file is the {kind} export",
        )
    parser.add_argument("--mapping", type=Path, metavar="FILE", help="saved column mapping (TOML or JSON)")
    parser.add_argument(
        "--date-order",
        choices=["mdy", "dmy"],
        help="how to read dates like 03/04/2010 (default: month first, with a warning)",
    )
    parser.add_argument(
        "--allow-errors",
        action="store_true",
        help="write the upload files even when there are errors, leaving out the rows with errors",
    )
    vendor_cli.add_vendor_arguments(parser)
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    overrides = {
        kind: getattr(args, f"kind_{kind}")
        for kind in spec.HUB_KINDS
        if getattr(args, f"kind_{kind}") is not None
    }
    inputs: list[Path] = list(args.inputs)
    if not inputs and not overrides:
        print("error: no inputs: name the export files, a folder or a zip (see --help).", file=sys.stderr)
        return EXIT_USAGE
    options = PrepareOptions(
        input_format=args.input_format,
        overrides=overrides,
        mapping_file=args.mapping,
        date_order=args.date_order,
    )
    started = time.monotonic()
    progress = StderrProgress(sys.stderr)
    try:
        target = vendor_cli.resolve_target(args)
        result = prepare(inputs or list(overrides.values()), options, progress=progress)
        progress.finish()
        if target == "vendor":
            return vendor_cli.run_vendor_only(args, result, sys.stderr)
        standard_targets = [each for each in args.target or [] if each in STANDARD_TARGETS]
        export = export_roster(result, args.out, ["hub", *standard_targets], allow_errors=args.allow_errors)
        written, outputs = export.written, export.sets
    except UserFacingError as error:
        progress.finish()
        print(f"error: {error}", file=sys.stderr)
        return EXIT_USAGE
    except Exception as error:  # a defect, not the user's doing: one line here, the traceback with -v
        progress.finish()
        if getattr(args, "verbose", False):
            raise
        print(
            f"error: preparation stopped by an internal problem ({type(error).__name__}: {error}). "
            "Please report it with the output of the same command run with -v.",
            file=sys.stderr,
        )
        return EXIT_USAGE
    print_summary(result, args.out, written, time.monotonic() - started, sys.stderr)
    print_targets(standard_targets, outputs, sys.stderr)
    code = EXIT_ERRORS if result.error_count else EXIT_OK
    if target == "both":
        code = max(code, vendor_cli.run_vendor_target(args, result, sys.stderr))
    return code


def print_targets(requested: list[str], outputs: list[TargetOutput], stream: TextIO) -> None:
    """The OneRoster / SDS sets written (each read back identical), what they could not carry, or why not."""
    if not requested:
        return
    lines: list[str] = []
    for output in outputs:
        files = ", ".join(f"{name} {count:,}" for name, count in output.counts.items())
        checked = "read back identical" + (", apart from what the notes list" if output.notes else "")
        lines.append(f"Wrote {output.path} ({output.name}; {checked}): {files}")
        lines += [f"  note: {note}" for note in output.notes]
    if not outputs:
        lines.append("The OneRoster / SDS sets were NOT written either: they are made from the hub files.")
    stream.write("\n".join(lines) + "\n")


def _records(count: int) -> str:
    return counted(count, "record")


def print_summary(
    result: PrepareResult, out_dir: Path, written: list[Path], seconds: float, stream: TextIO
) -> None:
    lines = ["", f"Format read: {result.format_name}", "Inputs:"]
    for summary in result.inputs:
        kind = summary.kind or "not used"
        lines.append(f"  {summary.name}: {_records(summary.rows)} -> {kind} ({summary.encoding})")
    upload_written = [
        path for path in written if path.name in {spec.hub_file_name(kind) for kind in spec.HUB_KINDS}
    ]
    counts = result.summary()["counts"]
    if upload_written:
        lines.append(f"Wrote to {out_dir}:")
        lines += [f"  {path.name}: {_records(counts.get(path.name, 0))}" for path in upload_written]
    elif result.error_count:
        lines.append(
            "Upload files NOT written because of errors (use --allow-errors to write the rows without errors)."
        )
    removed = written.removed if isinstance(written, WrittenFiles) else []
    if removed:
        names = ", ".join(path.name for path in removed)
        lines.append(
            f"Removed {names} left in {out_dir} by an earlier run: "
            + ("it no longer matches" if len(removed) == 1 else "they no longer match")
            + " this run's report, so "
            + ("it" if len(removed) == 1 else "they")
            + " must not be uploaded."
        )
    lines.append(f"Errors: {result.error_count:,}   Warnings: {result.warning_count:,}")
    totals = result.issues_by_code()
    for severity in ("error", "warning"):
        for code, count in totals.items():
            if severity_of(code) == severity:
                lines.append(f"  {severity} {code}: {count:,}")
    if "ambiguous_date" in totals:
        lines.append(
            "  (ambiguous_date: dates such as 03/04/2010 were read month first because no date in their file "
            "shows the order; if the export writes the day first, run again with --date-order dmy)"
        )
    if result.not_listed:
        hidden = sum(result.not_listed.values())
        lines.append(
            f"  ({counted(hidden, 'warning')} of the same kind {'is' if hidden == 1 else 'are'} counted, "
            "not listed one by one, in the report)"
        )
    lines.append(f"Report: {out_dir / REPORT_NAME}   ({seconds:.1f} s)")
    stream.write("\n".join(lines) + "\n")
