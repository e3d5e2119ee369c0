"""The onboarding client's calls on the hub's email: what it sent the district (and whether it went), the
demo mailbox, and the teachers' instructions email. `OnboardingClient` inherits them."""

from __future__ import annotations

from wizard.hub.calls import HubCalls
from wizard.wire.mail import MailOut, TeacherInstructionsOut


class MailCalls(HubCalls):
    """The hub's email as the district admin sees it, inherited by OnboardingClient."""

    def mail(self, district_id: str) -> MailOut:
        """What the hub emailed the district (and whether it went), with the demo mailbox when it has one."""
        return self._call(MailOut, "GET", f"/api/v1/districts/{district_id}/mail", "read the hub's email")

    def teacher_instructions(
        self, district_id: str, connection_id: str, *, send: bool
    ) -> TeacherInstructionsOut:
        """Count and preview (send=False), or have the hub email, the sign-in instructions to every teacher
        the connection shares."""
        return self._call(
            TeacherInstructionsOut,
            "POST",
            f"/api/v1/districts/{district_id}/connections/{connection_id}/teacher-instructions",
            "email the instructions to the teachers" if send else "preview the teachers' email",
            json={"send": send},
        )
