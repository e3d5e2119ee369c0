"""Vendor roster matching at district scale: 250,000 SIS students against 200,000 existing accounts.

    PYTHONPATH=. python benchmarks/vendor_match_large.py [--students N] [--accounts M]

Prints the time of each step and the outcome counts. The data is synthetic and seeded: names repeat a lot
(a few thousand first and last names), so the name stage and its tie-breaks do real work.
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd

from wizard.roster.vendor import build_import, build_report, load_profile, match_roster, write_vendor_outputs

GRADES = np.array(["Kindergarten", *[str(g) for g in range(1, 13)]])


def _names(rng: np.random.Generator, prefix: str, pool: int, count: int) -> np.ndarray:
    # Skewed towards the first names of the pool, as real names are: many Garcias, few Zywickis.
    skewed = (pool * rng.random(count) ** 3).astype(int)
    return np.char.add(prefix, skewed.astype(str)).astype(object)


def synthetic_district(
    students: int, accounts: int, seed: int = 7
) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    rng = np.random.default_rng(seed)
    ids = (1_000_000 + np.arange(students)).astype(str)
    sis = pd.DataFrame(
        {
            "School_id": rng.integers(1, 60, students).astype(str),
            "Student_id": ids,
            "Student_number": ids,
            "First_name": _names(rng, "Fn", 3000, students),
            "Last_name": _names(rng, "Ln", 20000, students),
            "Grade": GRADES[rng.integers(0, len(GRADES), students)],
            "DOB": "01/02/2014",
        },
        dtype="string",
    )
    # Accounts: 60% carry the SIS id already, 25% only a name, 5% an outdated SIS id, 10% left the district.
    picked = rng.choice(students, size=accounts, replace=False)
    kind = rng.choice(4, size=accounts, p=[0.60, 0.25, 0.05, 0.10])
    first = sis["First_name"].to_numpy()[picked].astype(object)
    last = sis["Last_name"].to_numpy()[picked].astype(object)
    external = np.where(kind == 0, ids[picked], "").astype(object)
    external[kind == 2] = (9_000_000 + np.arange(int((kind == 2).sum()))).astype(str)
    leavers = kind == 3
    first[leavers] = _names(rng, "Gone", 500, int(leavers.sum()))
    roster = pd.DataFrame(
        {
            "Username": np.char.add("user", np.arange(accounts).astype(str)),
            "Password": "secret1",
            "FirstName": first,
            "LastName": last,
            "Grade": sis["Grade"].to_numpy()[picked],
            "School": "",
            "ExternalID": external,
        },
        dtype="string",
    )
    schools = pd.DataFrame({"School_id": [str(i) for i in range(1, 60)]}, dtype="string")
    schools["School_name"] = "School " + schools["School_id"]
    return sis, roster, schools


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--students", type=int, default=250_000)
    parser.add_argument("--accounts", type=int, default=200_000)
    args = parser.parse_args()
    started = time.perf_counter()
    sis, roster, schools = synthetic_district(args.students, args.accounts)
    print(
        f"synthetic data: {len(sis):,} students, {len(roster):,} accounts ({time.perf_counter() - started:.1f} s)"
    )
    profile = load_profile("symphony-math")
    timings: dict[str, float] = {}

    started = time.perf_counter()
    result = match_roster(sis, schools, roster, profile)
    timings["match_roster"] = time.perf_counter() - started
    started = time.perf_counter()
    frame = build_import(result)
    timings["build_import"] = time.perf_counter() - started
    started = time.perf_counter()
    report = build_report(result)
    timings["build_report"] = time.perf_counter() - started
    with tempfile.TemporaryDirectory() as folder:
        started = time.perf_counter()
        write_vendor_outputs(result, Path(folder), allow_errors=True)
        timings["write_vendor_outputs"] = time.perf_counter() - started

    for step, seconds in timings.items():
        print(f"{step:>22}: {seconds:6.2f} s")
    print(f"import rows: {len(frame):,}, report rows: {len(report):,}")
    accounts_reported = (report["roster_row"] != "").sum()
    students_reported = (report["Student_id"] != "").sum()
    print(
        f"report covers {accounts_reported:,}/{len(roster):,} accounts, {students_reported:,}/{len(sis):,} students"
    )
    print("counts:", result.counts)
    for outcome, count in result.outcome_counts().items():
        print(f"  {outcome:>28}: {count:,}")


if __name__ == "__main__":
    main()
