"""A student whose grade their school does not teach is flagged (issue 10, problem 8: a PreK and a grade-5
student at a grade 6-12 school were not)."""

from __future__ import annotations

import shutil
from pathlib import Path

from tests.unit.roster.helpers import DATA, issue_keys
from wizard.roster.pipeline import PrepareOptions, prepare


def _district(tmp_path: Path, schools: str, students: str) -> Path:
    folder = tmp_path / "export"
    shutil.copytree(DATA / "hub-valid", folder)
    (folder / "schools.csv").write_text(schools, encoding="utf-8")
    (folder / "students.csv").write_text(students, encoding="utf-8")
    return folder


SCHOOLS = (
    "School_id,School_name,School_number,Low_grade,High_grade\n"
    "01,Lincoln Elementary,101,Kindergarten,5\n"
    "02,Hill High,102,6,12\n"
    "03,Open Academy,103,,\n"
)


def test_a_prek_and_a_grade_5_student_at_a_6_to_12_school_are_flagged_with_their_rows(tmp_path: Path) -> None:
    students = (
        "Student_id,School_id,First_name,Last_name,Grade,DOB\n"
        "000123,01,Avery,Lopez,1,03/14/2018\n"  # row 2: fits K-5
        "000124,02,Blake,Kim,PK,11/02/2019\n"  # row 3: PreK at a 6-12 school
        "000125,02,Cory,Ng,05,11/02/2014\n"  # row 4: grade 5 at a 6-12 school
        "000126,02,Dana,Ode,12,11/02/2008\n"  # row 5: fits
        "000127,01,Eli,Paz,Ungraded,11/02/2016\n"  # row 6: no place in the order, not judged
        "000128,03,Fay,Qi,9,11/02/2011\n"  # row 7: the school gives no range
    )
    result = prepare([_district(tmp_path, SCHOOLS, students)], PrepareOptions(date_order="mdy"))
    flagged = {key for key in issue_keys(result) if key[1] == "grade_outside_school_range"}
    assert flagged == {
        ("warning", "grade_outside_school_range", "students.csv", 3, "Grade"),
        ("warning", "grade_outside_school_range", "students.csv", 4, "Grade"),
    }
    [prek] = [i for i in result.issues if i.code == "grade_outside_school_range" and i.row == 3]
    assert "PreKindergarten" in prek.message and "Hill High" in prek.message and "6 to 12" in prek.message
    assert result.error_count == 0  # a warning: the rows are kept
