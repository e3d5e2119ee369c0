"""The district's directory on the hub (`/api/v1/districts/{d}/schools|sections|users`): its pages and rows.

The wizard's pickers, login check and portal preview read these. Text a hub may send as null reads as "".
"""

from __future__ import annotations

from pydantic import Field

from wizard.wire.onboarding import Answer, Link, Text
from wizard.wire.vocab import DirectoryRole


class SchoolCounts(Answer):
    students: int = 0
    teachers: int = 0
    sections: int = 0


class SchoolRow(Answer):
    id: str
    name: Text = ""
    sis_id: Text = ""
    school_number: Text = ""
    low_grade: Text = ""
    high_grade: Text = ""
    counts: SchoolCounts = SchoolCounts()


class SectionRow(Answer):
    id: str
    name: Text = ""
    sis_id: Text = ""
    school_id: Text = ""
    school_name: Text = ""
    subject: Text = ""
    grade: Text = ""
    teacher_names: tuple[str, ...] = ()
    student_count: int = 0


class UserRow(Answer):
    id: str
    role: DirectoryRole
    sis_id: Text = ""
    first_name: Text = ""
    last_name: Text = ""
    email: Text = ""
    grade: Text = ""
    school_id: Text = ""
    school_name: Text = ""

    @property
    def name(self) -> str:
        return " ".join(part for part in (self.first_name, self.last_name) if part)


class SchoolPage(Answer):
    data: list[SchoolRow]
    links: list[Link] = Field(default_factory=list)
    total: int = 0


class SectionPage(Answer):
    data: list[SectionRow]
    links: list[Link] = Field(default_factory=list)
    total: int = 0


class UserPage(Answer):
    data: list[UserRow]
    links: list[Link] = Field(default_factory=list)
    total: int = 0
