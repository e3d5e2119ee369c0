"""Property: any valid roster survives hub -> OneRoster 1.1 -> hub and hub -> SDS v2.1 -> hub, every record."""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any

import pandas as pd
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from wizard.roster import spec, targets
from wizard.roster.csvout import write_frame_csv
from wizard.roster.pipeline import PrepareOptions, prepare, write_outputs
from wizard.roster.targets import write_targets

GRADES = [*spec.grade_lookup().values()]
ID = st.text(alphabet="abcdefghijklmnopqrstuvwxyz0123456789-", min_size=1, max_size=6)
# names with the characters CSV gets wrong: commas, quotes, accents, leading zeros
NAME = st.text(alphabet="AbcÉé, '\"-0", min_size=1, max_size=8).map(str.strip).filter(lambda text: text != "")
DATE = st.dates(min_value=pd.Timestamp("1990-01-01").date(), max_value=pd.Timestamp("2035-12-31").date()).map(
    lambda day: day.strftime("%m/%d/%Y")
)


def optional(strategy: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
    return st.one_of(st.just(""), strategy)


@st.composite
def rosters(draw: Any) -> dict[str, pd.DataFrame]:
    """A valid hub roster: disjoint id spaces per kind, every section with a teacher, references that resolve."""
    school_ids = draw(st.lists(ID, min_size=1, max_size=3, unique=True))
    schools = pd.DataFrame(
        {
            "School_id": ["s" + ident for ident in school_ids],
            "School_name": [draw(NAME) for _ in school_ids],
            "School_number": [
                draw(optional(st.from_regex(r"0[0-9]{2}", fullmatch=True))) for _ in school_ids
            ],
        }
    )
    schools_list = list(schools["School_id"])

    def people(prefix: str, count: int) -> pd.DataFrame:
        ids = draw(st.lists(ID, min_size=count, max_size=count, unique=True))
        return pd.DataFrame(
            {
                "School_id": [draw(st.sampled_from(schools_list)) for _ in ids],
                "id": [prefix + ident for ident in ids],
                "First_name": [draw(NAME) for _ in ids],
                "Last_name": [draw(NAME) for _ in ids],
                "Username": [draw(optional(st.just(prefix + ident + ".user"))) for ident in ids],
                "email": [f"{prefix}{ident}@example.org" for ident in ids],
            }
        )

    raw_students = people("st", draw(st.integers(1, 6)))
    students = raw_students.rename(columns={"id": "Student_id", "email": "Student_email"}).assign(
        Student_number=[
            draw(optional(st.from_regex(r"0[0-9]{3}", fullmatch=True))) for _ in raw_students.index
        ],
        Middle_name=[draw(optional(NAME)) for _ in raw_students.index],
        Grade=[draw(optional(st.sampled_from(GRADES))) for _ in raw_students.index],
        Gender=[draw(st.sampled_from(["", "M", "F", "X"])) for _ in raw_students.index],
        DOB=[draw(optional(DATE)) for _ in raw_students.index],
        Race=[
            draw(optional(st.sampled_from(list(spec.vocabulary("race").lookup.values()))))
            for _ in raw_students.index
        ],
        Hispanic_Latino=[draw(st.sampled_from(["", "Y", "N"])) for _ in raw_students.index],
    )
    raw_teachers = people("t", draw(st.integers(1, 4)))
    teachers = raw_teachers.rename(columns={"id": "Teacher_id", "email": "Teacher_email"}).assign(
        Teacher_number=[
            draw(optional(st.from_regex(r"T[0-9]{2}", fullmatch=True))) for _ in raw_teachers.index
        ]
    )
    raw_staff = people("a", draw(st.integers(0, 2)))
    staff = raw_staff.rename(columns={"id": "Staff_id", "email": "Staff_email"}).assign(
        School_id=[draw(optional(st.sampled_from(schools_list))) for _ in raw_staff.index],
        Role=[draw(st.sampled_from(["administrator", "aide", "Principal", ""])) for _ in raw_staff.index],
    )
    section_ids = draw(st.lists(ID, min_size=1, max_size=4, unique=True))
    teacher_ids = list(teachers["Teacher_id"])
    rows = []
    for ident in section_ids:
        chosen = draw(st.lists(st.sampled_from(teacher_ids), min_size=1, max_size=3, unique=True))
        term = draw(
            st.sampled_from([("", "", ""), ("Fall", "08/15/2025", "12/19/2025"), ("Year", "", "06/10/2026")])
        )
        row = {
            "School_id": draw(st.sampled_from(schools_list)),
            "Section_id": "c" + ident,
            "Name": draw(optional(NAME)),
            "Section_number": draw(optional(st.from_regex(r"[A-Z][0-9]", fullmatch=True))),
            "Grade": draw(optional(st.sampled_from(GRADES))),
            "Course_name": draw(optional(st.sampled_from(["Math 7", "Homeroom", "Art, Music"]))),
            "Course_number": draw(optional(st.sampled_from(["M7", "007"]))),
            "Period": draw(optional(st.sampled_from(["1", "2,3"]))),
            "Subject": draw(optional(st.sampled_from(["math", "homeroom/advisory", "science"]))),
            "Term_name": term[0],
            "Term_start": term[1],
            "Term_end": term[2],
        }
        for position, teacher in enumerate(chosen):
            row["Teacher_id" if position == 0 else f"Teacher_{position + 1}_id"] = teacher
        rows.append(row)
    sections = pd.DataFrame(rows)
    pairs = draw(
        st.lists(
            st.tuples(
                st.sampled_from(list(sections["Section_id"])), st.sampled_from(list(students["Student_id"]))
            ),
            max_size=10,
            unique=True,
        )
    )
    school_of = dict(zip(sections["Section_id"], sections["School_id"], strict=True))
    enrollments = pd.DataFrame(
        {
            "School_id": [school_of[section] for section, _ in pairs],
            "Section_id": [section for section, _ in pairs],
            "Student_id": [student for _, student in pairs],
        }
    )
    tables = {
        "schools": schools,
        "students": students,
        "teachers": teachers,
        "sections": sections,
        "enrollments": enrollments,
    }
    if len(staff):
        tables["staff"] = staff
    return tables


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large]
)
@given(rosters())
def test_any_valid_roster_survives_both_round_trips(tables: dict[str, pd.DataFrame]) -> None:
    with tempfile.TemporaryDirectory() as folder:
        hub = Path(folder) / "hub"
        hub.mkdir()
        for kind, frame in tables.items():
            full = frame.reindex(columns=spec.hub_columns(kind), fill_value="").fillna("").astype("str")
            write_frame_csv(full, hub / spec.hub_file_name(kind))
        result = prepare([hub], PrepareOptions(input_format="hub", date_order="mdy"))
        assume(result.error_count == 0)
        out = Path(folder) / "out"
        write_outputs(result, out)
        outputs = write_targets(result, out, ["oneroster", "sds"])  # raises RoundTripError on any difference
        assert [output.target for output in outputs] == ["oneroster", "sds"]
        for output in outputs:
            back = prepare([output.path])
            assert back.error_count == 0
            carried = targets.ONEROSTER_CARRIED if output.target == "oneroster" else targets.SDS_CARRIED
            for kind, frame in result.tables.items():
                id_column = spec.kind_spec(kind).id_column
                assert len(back.tables.get(kind, ())) == len(frame), (output.target, kind)
                if id_column:
                    assert sorted(back.tables[kind][id_column]) == sorted(frame[id_column]), (
                        output.target,
                        kind,
                    )
            for kind in ("schools", "teachers", "sections", "enrollments"):
                columns = [column for column in carried[kind] if column != "Role"]
                assert (
                    targets.compare_tables(
                        {
                            kind: result.tables[kind][columns].reindex(
                                columns=spec.hub_columns(kind), fill_value=""
                            )
                        },
                        {
                            kind: back.tables[kind][columns].reindex(
                                columns=spec.hub_columns(kind), fill_value=""
                            )
                        },
                    )
                    == []
                ), (output.target, kind)
