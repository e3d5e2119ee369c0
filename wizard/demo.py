"""The demo district's roster, in one neutral Qt-free place: the embedded hub seeds it, the wizard offers it as
SIS files and the support view as the vendor's roster export.

The roster is generated from a fixed random seed, so every demo holds the same people. It carries the
problems support staff meet in real life: teachers without email, a section with no students, students in no
section, a shared email address.
"""

from __future__ import annotations

import csv
import io
import random
from pathlib import Path

from wizard.errors import UserFacingError
from wizard.fileio import write_text_atomically
from wizard.roster.spec import hub_columns, hub_file_name

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


def write_demo_sis_files(folder: Path, students_per_grade: int = 3) -> Path:
    """The demo district's roster (from the embedded hub's demo generator) as hub CSV files."""
    folder.mkdir(parents=True, exist_ok=True)
    for kind, rows in demo_tables(random.Random(7), students_per_grade).items():
        with (folder / hub_file_name(kind)).open("w", encoding="utf-8", newline="") as stream:
            writer = csv.DictWriter(stream, fieldnames=hub_columns(kind), extrasaction="ignore")
            writer.writeheader()
            writer.writerows(rows)
    return folder
