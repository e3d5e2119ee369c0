"""The staff admins step's rules, Qt-free: what the form needs, and the summary's lines."""

from __future__ import annotations

from wizard.session.staff import StaffDraft, draft_problems, role_line, summary_lines
from wizard.state import OnboardingState, StaffMember
from wizard.wire.vocab import StaffRole


def test_the_form_needs_a_name_an_email_and_a_tech_leads_schools() -> None:
    assert set(draft_problems(StaffDraft())) == {"name", "email"}
    assert draft_problems(StaffDraft("Pat", "pat@district.org")) == {}
    assert set(draft_problems(StaffDraft("Pat", "pat@district"))) == {"email"}
    assert set(draft_problems(StaffDraft("Pat", "pat@district.org", StaffRole.SCHOOL_TECH_LEAD))) == {
        "schools"
    }
    assert draft_problems(StaffDraft("Pat", "pat@district.org", StaffRole.SCHOOL_TECH_LEAD, ("s1",))) == {}


def test_each_role_is_said_in_plain_words() -> None:
    assert role_line(StaffRole.ADVANCED_USER).startswith("Advanced user: ")
    assert len({role.plain_words for role in StaffRole}) == len(StaffRole)


def test_the_summary_lists_the_staff_admins() -> None:
    state = OnboardingState()
    assert summary_lines(state) == ["Staff admins: none added"]
    state.staff = [
        StaffMember("Pat Kim", "pat@d.org", "district_admin"),
        StaffMember("Sam Ode", "sam@d.org", "school_tech_lead", ["Cedar Middle", "Oak Elementary"]),
    ]
    assert summary_lines(state) == [
        "Staff admins:",
        "  Pat Kim <pat@d.org> — District admin",
        "  Sam Ode <sam@d.org> — School tech lead for Cedar Middle, Oak Elementary",
    ]
