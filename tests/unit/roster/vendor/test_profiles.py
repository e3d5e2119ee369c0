from __future__ import annotations

from pathlib import Path

import pytest

from wizard.roster.vendor import ProfileError, list_profiles, load_profile

SYMPHONY_MINIMUM = ["Username", "Password", "FirstName", "LastName", "Grade", "School", "ExternalID"]


def test_shipped_profiles_load() -> None:
    names = list_profiles()
    assert {"symphony-math", "generic-email-login"} <= set(names)
    for name in names:
        profile = load_profile(name)
        assert profile.name == name
        assert profile.headers


def test_symphony_profile_has_the_import_columns_and_carries_the_sis_id_in_external_id() -> None:
    profile = load_profile("symphony-math")
    assert set(SYMPHONY_MINIMUM) <= set(profile.headers)
    sources = {column.header: column.source for column in profile.columns}
    assert sources["ExternalID"] == "students.Student_id"
    assert sources["Username"] == "username"
    assert "ExternalID" in profile.required_headers
    assert profile.grades["Kindergarten"] == "K"


def test_unknown_profile_names_the_available_ones() -> None:
    with pytest.raises(ProfileError) as error:
        load_profile("no-such-vendor")
    assert "symphony-math" in str(error.value)


def _write(tmp_path: Path, body: str) -> Path:
    path = tmp_path / "custom.toml"
    path.write_text(
        """
name = "custom"
[[columns]]
header = "Id"
source = "students.Student_id"
[[columns]]
header = "User"
source = "username"
[roster]
username = "User"
"""
        + body,
        encoding="utf-8",
    )
    return path


def test_a_profile_file_path_loads(tmp_path: Path) -> None:
    profile = load_profile(_write(tmp_path, ""))
    assert profile.headers == ["Id", "User"]
    assert profile.password.policy == "none"


@pytest.mark.parametrize(
    ("body", "complaint"),
    [
        ('[password]\npolicy = "column"\ncolumn = "DOB"\n', "never come from DOB"),
        ('[password]\npolicy = "column"\n', "needs a `column`"),
        ('[password]\npolicy = "birthday"\n', "unknown password policy"),
        ('[username]\npattern = "{nickname}"\n', "unknown or no fields"),
        ('[username]\nfallback = "{first}"\n', "{sis_id}"),
        ('[[columns]]\nheader = "X"\nsource = "teachers.Teacher_id"\n', "unknown source"),
        ('[[columns]]\nheader = "Id"\nsource = "students.First_name"\n', "appears twice"),
    ],
)
def test_bad_profiles_are_refused_with_the_reason(tmp_path: Path, body: str, complaint: str) -> None:
    with pytest.raises(ProfileError) as error:
        load_profile(_write(tmp_path, body))
    assert complaint in str(error.value)


def test_a_profile_that_is_not_toml_is_a_clear_error(tmp_path: Path) -> None:
    path = tmp_path / "broken.toml"
    path.write_text("name = [", encoding="utf-8")
    with pytest.raises(ProfileError, match=r"broken\.toml cannot be read"):
        load_profile(path)
