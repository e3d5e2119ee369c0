"""What the district's Sharing page shows per school under school-site sharing, Qt-free."""

from __future__ import annotations

from wizard.hub.models import Sharing
from wizard.session.school_site import decided_words, opted_in_summary, school_site_rows, what_is_shared
from wizard.wire.onboarding import SchoolSiteOut, SharedCountsOut, SharingOut, StaffAdminOut
from wizard.wire.vocab import SchoolShare, SharingType, StaffRole

LEAD = StaffAdminOut(
    id="a1", name="Sam Ode", email="sam@d.org", title="", role=StaffRole.SCHOOL_TECH_LEAD, school_ids=["s1"]
)


def _counts(students: int) -> SharedCountsOut:
    return SharedCountsOut(schools=1 if students else 0, teachers=2, sections=3, students=students)


def _site(
    school_id: str, name: str, share: SchoolShare, leads: list[StaffAdminOut], sections: int = 0
) -> SchoolSiteOut:
    return SchoolSiteOut(
        school_id=school_id,
        school_name=name,
        tech_leads=leads,
        opted_in=share is not SchoolShare.NOT_DECIDED,
        share=share,
        section_ids=[f"x{i}" for i in range(sections)],
        counts=_counts(10 if share is not SchoolShare.NOT_DECIDED else 0),
    )


def test_each_school_says_its_tech_lead_whether_it_opted_in_and_what_it_shares() -> None:
    sharing = Sharing.from_wire(
        SharingOut(
            type=SharingType.SCHOOL_SITE,
            school_ids=["s1", "s2", "s3"],
            section_ids=[],
            rules=[],
            locked=False,
            locked_reason="",
            counts=_counts(10),
            rule_fields={},
            schools=[
                _site("s2", "Oak Elementary", SchoolShare.NOT_DECIDED, []),
                _site("s1", "Cedar Middle", SchoolShare.SECTIONS, [LEAD], sections=2),
                _site("s3", "Birch High", SchoolShare.NOT_DECIDED, [LEAD]),
            ],
        )
    )
    rows = school_site_rows(sharing)
    assert [(r.school_name, r.tech_leads, r.opted_in, r.what, r.students) for r in rows] == [
        ("Birch High", "Sam Ode", False, "Nothing yet: its tech lead has not opted in", 0),
        ("Cedar Middle", "Sam Ode", True, "2 chosen sections", 10),
        (
            "Oak Elementary",
            "none yet",
            False,
            "Nothing: the school has no tech lead yet (add one on the Staff admins step)",
            0,
        ),
    ]
    assert opted_in_summary(rows) == "1 of 3 schools opted in"
    assert what_is_shared(_site("s1", "Cedar", SchoolShare.WHOLE_SCHOOL, [LEAD])) == "The whole school"
    assert decided_words(_site("s1", "Cedar Middle", SchoolShare.WHOLE_SCHOOL, [LEAD]), "Amplify") == (
        "Cedar Middle shares the whole school with Amplify: 10 students, 2 teachers, 3 sections."
    )
