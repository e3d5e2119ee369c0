"""`python main.py bench [--students N] [--out DIR]`: the performance benchmark (see wizard.bench.run)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from wizard.cli import arguments

DEFAULT_STUDENTS = 1_000_000


def add_parser(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    from wizard.bench.run import MEASUREMENTS

    parser = subparsers.add_parser(
        "bench",
        help="measure prepare, memory, GUI, startup and hub speed on a synthetic district",
        description="Generate (once, cached) a synthetic district and measure, each in a fresh process: "
        "prepare against the pyarrow I/O floor, its peak memory, GUI responsiveness, the preview, startup "
        "and the embedded hub. Prints a table and a one-line summary and writes bench.json.",
    )
    parser.add_argument(
        "--students",
        type=arguments.positive_int,
        default=DEFAULT_STUDENTS,
        metavar="N",
        help=f"district size (default {DEFAULT_STUDENTS:,}; 6 enrollments per student)",
    )
    parser.add_argument(
        "--out",
        type=arguments.output_folder,
        default=Path("bench-out"),
        metavar="DIR",
        help="folder for bench.json, logs and the prepared files (default ./bench-out)",
    )
    parser.add_argument(
        "--cache",
        type=Path,
        default=None,
        metavar="DIR",
        help="where generated districts are kept (default: the user cache folder)",
    )
    parser.add_argument(
        "--repeat",
        type=arguments.positive_int,
        default=2,
        metavar="N",
        help="runs of floor/prepare and startup; the best counts (default 2)",
    )
    parser.add_argument(
        "--only",
        nargs="+",
        choices=MEASUREMENTS,
        default=list(MEASUREMENTS),
        help="run only these measurements",
    )
    parser.add_argument(
        "--timeout",
        type=arguments.positive_int,
        default=3600,
        metavar="S",
        help="stop any one measurement after S seconds; its figures are then missing (default 3600)",
    )
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    import platformdirs

    from wizard.bench.run import BenchOptions, run_bench, summary_line, table

    cache = args.cache or Path(platformdirs.user_cache_dir("district-wizard", appauthor=False)) / "bench"
    options = BenchOptions(
        students=args.students,
        out=args.out,
        cache=cache,
        repeat=args.repeat,
        only=tuple(args.only),
        timeout=float(args.timeout),
    )
    report = run_bench(options, say=lambda line: print(line, file=sys.stderr, flush=True))
    print(table(report))
    print(f"bench.json: {args.out / 'bench.json'}")
    print(summary_line(report))
    return 0
