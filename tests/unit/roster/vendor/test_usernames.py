from __future__ import annotations

import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.unit.roster.vendor.fixtures import students
from wizard.roster.vendor.profiles import UsernameRule
from wizard.roster.vendor.usernames import generate_usernames

RULE = UsernameRule(
    pattern="{first_initial}{last}", max_length=12, first_suffix=2, fallback="student{sis_id}"
)


def test_first_initial_and_last_name_in_lower_case_ascii() -> None:
    frame = students({"Student_id": "1", "First_name": "Zoë", "Last_name": "Ångström-O'Hara"})
    assert generate_usernames(frame, RULE, []).tolist() == ["zangstromoha"]  # cut at max_length 12


def test_names_never_collide_with_existing_ones_ignoring_case_nor_with_each_other() -> None:
    frame = students(
        {"Student_id": "1", "First_name": "Jo", "Last_name": "Smith"},
        {"Student_id": "2", "First_name": "Jim", "Last_name": "Smith"},
        {"Student_id": "3", "First_name": "Jay", "Last_name": "Smith"},
    )
    names = generate_usernames(frame, RULE, ["JSmith", "jsmith3"]).tolist()
    assert names == ["jsmith2", "jsmith4", "jsmith5"]


def test_the_same_students_get_the_same_names_whatever_their_order() -> None:
    frame = students(
        {"Student_id": "2", "First_name": "Jim", "Last_name": "Smith"},
        {"Student_id": "1", "First_name": "Jo", "Last_name": "Smith"},
    )
    names = generate_usernames(frame, RULE, [])
    assert names.tolist() == ["jsmith2", "jsmith"]
    reversed_names = generate_usernames(frame.iloc[::-1], RULE, [])
    assert reversed_names.loc[frame.index].tolist() == names.tolist()


def test_names_without_latin_letters_fall_back_to_the_sis_id() -> None:
    frame = students({"Student_id": "A-77", "First_name": "美咲", "Last_name": "佐藤"})
    assert generate_usernames(frame, RULE, []).tolist() == ["studenta77"]


def test_suffixes_fit_in_the_maximum_length() -> None:
    frame = students(
        *(
            {"Student_id": str(i), "First_name": "Alexandra", "Last_name": "Montgomery-Smith"}
            for i in range(12)
        )
    )
    names = generate_usernames(frame, RULE, ["amontgomerys"])
    assert names.is_unique
    assert names.str.len().max() <= 12
    assert "amontgomerys" not in set(names)


def test_no_students_no_names() -> None:
    assert generate_usernames(students().iloc[0:0], RULE, ["x"]).empty
    assert isinstance(generate_usernames(students().iloc[0:0], RULE, []), pd.Series)


@settings(max_examples=60, deadline=None)
@given(
    names=st.lists(
        st.tuples(
            st.sampled_from(["Jo", "Jó", "J", "", "李", "Ann-Marie"]), st.sampled_from(["Smith", "", "O'N"])
        ),
        max_size=25,
    ),
    existing=st.lists(st.sampled_from(["jsmith", "JSMITH2", "jon", "student3", "jsmith10", "amon", "x"])),
)
def test_generated_names_are_unique_ascii_and_never_taken(
    names: list[tuple[str, str]], existing: list[str]
) -> None:
    frame = students(
        *(
            {"Student_id": str(i), "First_name": first, "Last_name": last}
            for i, (first, last) in enumerate(names)
        )
    )
    generated = generate_usernames(frame, RULE, existing)
    assert len(generated) == len(frame)
    assert generated.is_unique
    assert not set(generated) & {name.casefold() for name in existing}
    assert all(name.isascii() and name == name.lower() and 0 < len(name) <= 12 for name in generated)
