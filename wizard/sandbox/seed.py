"""`--seed demo`: a demo district with a realistic roster and connected apps, for exploring and support.

The roster is generated from a fixed random seed, so every demo hub holds the same people. It carries the
problems support staff meet in real life: teachers without email, a section with no students, students in no
section, a shared email address.
"""

from __future__ import annotations

import csv
import io
import random
import sqlite3
from dataclasses import dataclass, field
from pathlib import Path

from wizard.errors import UserFacingError
from wizard.fileio import write_text_atomically
from wizard.sandbox import connections as lifecycle
from wizard.sandbox.catalog import AppCredentials, reset_app_secret
from wizard.sandbox.db import Database, dumps
from wizard.sandbox.records import build_roster, hub_id
from wizard.sandbox.settings import HubSettings
from wizard.sandbox.sharing import Sharing
from wizard.sandbox.store import add_event, app_entry, app_row, iso, new_token, save_roster, token_hash

DEMO_DISTRICT_ID = hub_id("demo", "district", "maple-valley")
SCHOOLS: tuple[tuple[str, str, str, str], ...] = (
    # SIS id, name, low grade, high grade
    ("101", "Maple Valley Elementary", "Kindergarten", "5"),
    ("102", "Oak Ridge Elementary", "Kindergarten", "5"),
    ("201", "Cedar Middle", "6", "8"),
    ("301", "Lakeside High", "9", "12"),
)
FIRST = [
    "Ava",
    "Liam",
    "Sofia",
    "Noah",
    "Mia",
    "Ethan",
    "Isabella",
    "Lucas",
    "Amara",
    "Mateo",
    "Chloe",
    "Jayden",
    "Priya",
    "Diego",
    "Hannah",
    "Omar",
    "Grace",
    "Kai",
    "Leah",
    "Ravi",
    "Zoe",
    "Elijah",
    "Nora",
    "Santiago",
    "Aaliyah",
    "Caleb",
    "Maya",
    "Julian",
    "Fatima",
    "Owen",
    "Lily",
    "Hiro",
    "Camila",
    "Levi",
    "Aria",
    "Malik",
]
LAST = [
    "Garcia",
    "Nguyen",
    "Smith",
    "Patel",
    "Johnson",
    "Kim",
    "Martinez",
    "Brown",
    "Chen",
    "Williams",
    "Lopez",
    "Davis",
    "Okafor",
    "Hernandez",
    "Wilson",
    "Singh",
    "Anderson",
    "Rivera",
    "Thompson",
    "Moore",
    "Yamamoto",
    "Clark",
    "Lewis",
    "Walker",
    "Hall",
    "Young",
    "Allen",
    "Wright",
    "Scott",
    "Torres",
]
SUBJECTS = (
    ("math", "Math"),
    ("english/language arts", "ELA"),
    ("science", "Science"),
    ("social studies", "History"),
)


@dataclass
class DemoSeed:
    district_id: str
    district_name: str
    admin_token: str = field(repr=False)
    credentials: dict[str, AppCredentials]


def _grades(low: str, high: str) -> list[str]:
    start = 0 if low == "Kindergarten" else int(low)
    grades = [str(g) for g in range(max(start, 1), int(high) + 1)]
    return (["Kindergarten"] if start == 0 else []) + grades


def demo_tables(rng: random.Random, students_per_grade: int = 12) -> dict[str, list[dict[str, str]]]:
    tables: dict[str, list[dict[str, str]]] = {
        kind: [] for kind in ("schools", "students", "teachers", "sections", "enrollments")
    }
    student_number = 10000
    for school_sis, name, low, high in SCHOOLS:
        tables["schools"].append(
            {
                "School_id": school_sis,
                "School_name": name,
                "School_number": school_sis,
                "Low_grade": low,
                "High_grade": high,
                "Principal": f"{rng.choice(FIRST)} {rng.choice(LAST)}",
                "School_city": "Maple Valley",
                "School_state": "CA",
                "School_zip": "95001",
            }
        )
        grades = _grades(low, high)
        teachers = []
        for index in range(len(grades) + 2):
            first, last = rng.choice(FIRST), rng.choice(LAST)
            teacher_id = f"T{school_sis}{index:02d}"
            email = (
                ""
                if (school_sis, index) in {("201", 1), ("301", 3)}
                else f"{first}.{last}{index}@maplevalley.k12.ca.us".lower()
            )
            tables["teachers"].append(
                {
                    "School_id": school_sis,
                    "Teacher_id": teacher_id,
                    "Teacher_number": teacher_id,
                    "First_name": first,
                    "Last_name": last,
                    "Teacher_email": email,
                    "Title": "Teacher",
                }
            )
            teachers.append(teacher_id)
        for grade_index, grade in enumerate(grades):
            grade_students = []
            for _ in range(students_per_grade):
                student_number += 1
                first, last = rng.choice(FIRST), rng.choice(LAST)
                sis = f"{student_number:06d}"
                email = f"{first}.{last}.{sis}@students.maplevalley.org".lower()
                tables["students"].append(
                    {
                        "School_id": school_sis,
                        "Student_id": sis,
                        "Student_number": sis,
                        "First_name": first,
                        "Last_name": last,
                        "Grade": grade,
                        "Gender": rng.choice("MFX"),
                        "DOB": "",
                        "Student_email": email,
                        "Username": f"{first[0]}{last}{sis[-3:]}".lower(),
                    }
                )
                grade_students.append(sis)
            for subject_index, (subject, label) in enumerate(
                SUBJECTS[: 2 if school_sis.startswith("1") else 4]
            ):
                section_id = f"S{school_sis}-{grade_index:02d}{subject_index}"
                teacher = teachers[(grade_index + subject_index) % len(teachers)]
                tables["sections"].append(
                    {
                        "School_id": school_sis,
                        "Section_id": section_id,
                        "Teacher_id": teacher,
                        "Name": f"{label} {grade}",
                        "Section_number": section_id,
                        "Grade": grade,
                        "Subject": subject,
                        "Course_name": f"{label} {grade}",
                        "Course_number": f"{label[:3].upper()}{grade[:2]}",
                        "Period": str(subject_index + 1),
                        "Term_name": "2026-2027",
                        "Term_start": "08/17/2026",
                        "Term_end": "06/11/2027",
                    }
                )
                # The last two students of each grade are enrolled nowhere: a warning support staff will see.
                tables["enrollments"] += [
                    {"School_id": school_sis, "Section_id": section_id, "Student_id": sis}
                    for sis in grade_students[:-2]
                ]
        empty = f"S{school_sis}-EMPTY"
        tables["sections"].append(
            {
                "School_id": school_sis,
                "Section_id": empty,
                "Teacher_id": teachers[0],
                "Name": "Study Hall",
                "Grade": grades[0],
                "Subject": "homeroom/advisory",
                "Term_name": "2026-2027",
                "Term_start": "08/17/2026",
                "Term_end": "06/11/2027",
            }
        )
    tables["students"][5]["Student_email"] = tables["students"][6]["Student_email"]  # a shared address
    return tables


DEMO_SEED = 2026
VENDOR_ROSTER_COLUMNS = ("Username", "Password", "FirstName", "LastName", "Grade", "School", "ExternalID")


def demo_vendor_roster(tables: dict[str, list[dict[str, str]]] | None = None) -> list[dict[str, str]]:
    """Symphony Math's own roster export for the demo district, with the links that break in real life.

    Students at the elementary schools were imported with their SIS id in ExternalID and link. At Cedar Middle
    the accounts predate the hub: a third have no ExternalID, a third lost the SIS id's leading zero in a
    spreadsheet, and the rest link. Two accounts belong to students who have left the district.
    """
    tables = tables or demo_tables(random.Random(DEMO_SEED))
    schools = {row["School_id"]: row["School_name"] for row in tables["schools"]}
    rows: list[dict[str, str]] = []
    for index, student in enumerate(tables["students"]):
        school = schools[student["School_id"]]
        if student["School_id"] == "301":
            continue  # Lakeside High does not use Symphony Math
        external_id = student["Student_id"]
        if school == "Cedar Middle":
            external_id = ("", external_id.lstrip("0"), external_id)[index % 3]
        rows.append(
            {
                "Username": student["Username"]
                or f"{student['First_name'][0]}{student['Last_name']}".lower(),
                "Password": "",
                "FirstName": student["First_name"],
                "LastName": student["Last_name"],
                "Grade": "K" if student["Grade"] == "Kindergarten" else student["Grade"],
                "School": school,
                "ExternalID": external_id,
            }
        )
    rows += [
        {"Username": "oldstudent1", "Password": "", "FirstName": "Riley", "LastName": "Former", "Grade": "7",
         "School": "Cedar Middle", "ExternalID": "009999"},
        {"Username": "oldstudent2", "Password": "", "FirstName": "Casey", "LastName": "Moved", "Grade": "4",
         "School": "Oak Ridge Elementary", "ExternalID": "009998"},
    ]  # fmt: skip
    return rows


def write_demo_vendor_roster(path: Path) -> Path:
    """Write the demo's Symphony Math roster export as CSV (UTF-8), e.g. for the support view's link check."""
    text = io.StringIO()
    writer = csv.DictWriter(text, fieldnames=VENDOR_ROSTER_COLUMNS)
    writer.writeheader()
    writer.writerows(demo_vendor_roster())
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        return write_text_atomically(path, text.getvalue())
    except OSError as error:
        raise UserFacingError(
            f"Cannot write {path}: {error.strerror or error}.", "Choose a folder you can write to."
        ) from error


def seed_demo(db: Database, settings: HubSettings) -> DemoSeed:
    """Create the demo district once; every call issues a fresh admin token and fresh app secrets to print."""
    now = settings.clock()
    token = new_token()
    with db.transaction() as conn:
        exists = conn.execute("SELECT 1 FROM districts WHERE id = ?", (DEMO_DISTRICT_ID,)).fetchone()
        if not exists:
            _create_demo(conn, now)
        conn.execute(
            "INSERT INTO admin_tokens (token_hash, district_id) VALUES (?, ?)",
            (token_hash(token), DEMO_DISTRICT_ID),
        )
    credentials = {app_id: reset_app_secret(db, app_id) for app_id in ("symphony-math", "amplify-curriculum")}
    return DemoSeed(DEMO_DISTRICT_ID, "Maple Valley Unified School District", token, credentials)


def _create_demo(conn: sqlite3.Connection, now: float) -> None:
    stamp = iso(now)
    conn.execute(
        "INSERT INTO districts (id, name, state, nces_id, sis_vendor, admin_name, admin_email, admin_phone, "
        "sync_method, sso_provider, sync_state, last_sync, created) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (
            DEMO_DISTRICT_ID,
            "Maple Valley Unified School District",
            "CA",
            "0612345",
            "PowerSchool",
            "Dana Whitfield",
            "dana.whitfield@maplevalley.k12.ca.us",
            "(555) 201-7788",
            "sftp",
            "google",
            "success",
            stamp,
            stamp,
        ),
    )
    roster = build_roster(DEMO_DISTRICT_ID, demo_tables(random.Random(DEMO_SEED)), stamp)
    save_roster(conn, DEMO_DISTRICT_ID, roster)
    schools = {record["name"]: record_id for record_id, record in roster.records["schools"].items()}
    symphony_sharing = Sharing(
        "schools",
        school_ids=[
            schools["Maple Valley Elementary"],
            schools["Oak Ridge Elementary"],
            schools["Cedar Middle"],
        ],
    )
    science = sorted(
        i
        for i, s in roster.records["sections"].items()
        if s["subject"] in {"science", "english/language arts"}
    )
    amplify_sharing = Sharing("sections", section_ids=science)
    for app_id, sharing, launch in (
        ("symphony-math", symphony_sharing, "2026-09-01"),
        ("amplify-curriculum", amplify_sharing, None),
    ):
        connection_id = lifecycle.create(conn, DEMO_DISTRICT_ID, app_id, now)
        row = conn.execute("SELECT * FROM connections WHERE id = ?", (connection_id,)).fetchone()
        app = app_row(conn, app_id)
        assert app is not None
        scopes = [scope["name"] for scope in app_entry(app)["scopes"]]
        lifecycle.authorize(conn, row, scopes, now)
        lifecycle.accept(
            conn,
            row,
            now,
            "Welcome aboard! Your students are linked on ExternalID." if app_id == "symphony-math" else "",
        )
        conn.execute(
            "UPDATE connections SET sharing = ?, launch_date = ? WHERE id = ?",
            (dumps(sharing.as_dict()), launch, connection_id),
        )
        add_event(conn, connection_id, stamp, "district", "sharing_saved", f"Sharing set to {sharing.type}.")
