"""The screenshot tour's walk: every page against the hub the session was given, one PNG per page.

`python main.py screenshots DIR` (wizard.app.screenshots) starts a private built-in hub and calls this.
"""

from __future__ import annotations

import csv
from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import Any

from PySide6.QtCore import QEventLoop, Qt, QTimer
from PySide6.QtWidgets import QApplication, QTableWidgetItem, QWizard

from wizard.errors import UserFacingError
from wizard.flow import PageId
from wizard.session.context import WizardContext
from wizard.ui.pages import add_app as add_app_module
from wizard.ui.pages import sharing as sharing_module
from wizard.ui.style import apply_style
from wizard.ui.support.launch import open_support_view
from wizard.ui.wizard_window import OnboardingWizard
from wizard.wire.vocab import SchoolShare

WINDOW_SIZE = (1180, 820)
STEP_TIMEOUT_MS = 30_000


def write_demo_vendor_roster(sis: Path, target: Path) -> Path:
    """A vendor roster export as a district using the app already has one: a few accounts carrying the SIS id
    in ExternalID, one matched by name only, and two same-named accounts that need the admin's decision."""
    with (sis / "students.csv").open(encoding="utf-8", newline="") as stream:
        students = list(csv.DictReader(stream))

    def account(student: dict[str, str], username: str, external_id: str) -> dict[str, str]:
        return {
            "Username": username,
            "ExternalID": external_id,
            "FirstName": student["First_name"],
            "LastName": student["Last_name"],
            "Grade": student["Grade"],
            "School": "",
            "Password": "set",
        }

    rows = [
        account(s, f"{s['First_name'][0]}{s['Last_name']}".lower(), s["Student_id"]) for s in students[:6]
    ]
    rows.append(account(students[6], "jsmith.old", ""))
    twin = students[7]
    rows += [account(twin, "twin.one", ""), account(twin, "twin.two", "")]
    rows[-1]["Grade"] = rows[-2]["Grade"] = ""
    with target.open("w", encoding="utf-8", newline="") as stream:
        writer = csv.DictWriter(stream, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    return target


def grade_number(grade: str) -> int:
    """A school's grade as a number for comparing: PK and K are below 1; anything unreadable sorts last."""
    text = grade.strip().upper()
    if text in {"PK", "TK", "K", "KG", "KINDERGARTEN"}:
        return 0
    return int(text) if text.isdigit() else 99


def take_screenshots(ctx: WizardContext, sis: Path, workdir: Path, out: Path) -> list[Path]:
    """Walk every page on `ctx` (its hub seeded with nothing but what the walk does) and save the PNGs."""
    from PySide6.QtCore import QEventLoop, QTimer

    from wizard.flow import PageId

    existing = QApplication.instance()
    app = existing if isinstance(existing, QApplication) else QApplication(["wizard-screenshots"])
    apply_style(app)
    saved: list[Path] = []

    def wait(condition: Callable[[], bool], what: str) -> None:
        """Run the event loop until `condition` holds (checked every 50 ms), or give up after a while."""
        loop = QEventLoop()
        poll = QTimer()
        poll.setInterval(50)
        poll.timeout.connect(lambda: loop.quit() if condition() else None)
        deadline = QTimer()
        deadline.setSingleShot(True)
        deadline.timeout.connect(loop.quit)
        if condition():
            return
        poll.start()
        deadline.start(STEP_TIMEOUT_MS)
        loop.exec()
        poll.stop()
        deadline.stop()
        if not condition():
            raise RuntimeError(f"the screenshot tour got stuck: {what}")

    try:
        window = OnboardingWizard(ctx)
        window.resize(*WINDOW_SIZE)
        window.show()

        def idle(page_id: PageId) -> None:
            wait(
                lambda: window.currentId() == page_id and not window.page_for(page_id).is_busy,
                f"page {page_id.name}",
            )

        def shoot(page_id: PageId, label: str) -> None:
            idle(page_id)
            settle = QEventLoop()
            QTimer.singleShot(150, settle.quit)  # let layouts and icons settle before grabbing
            settle.exec()
            path = out / f"{len(saved) + 1:02d}-{label}.png"
            if not window.grab().save(str(path)):
                raise UserFacingError(
                    f"Cannot save the screenshot {path}.", "Name a folder you can write to."
                )
            saved.append(path)

        def shoot_widget(widget: Any, label: str) -> None:
            settle = QEventLoop()
            QTimer.singleShot(150, settle.quit)
            settle.exec()
            path = out / f"{len(saved) + 1:02d}-{label}.png"
            if not widget.grab().save(str(path)):
                raise UserFacingError(
                    f"Cannot save the screenshot {path}.", "Name a folder you can write to."
                )
            saved.append(path)

        def next_page(expected: PageId) -> None:
            button = window.button(QWizard.WizardButton.NextButton)
            wait(button.isEnabled, f"Next enabled before {expected.name}")
            button.click()
            wait(lambda: window.currentId() == expected, f"reaching {expected.name}")

        shoot(PageId.WELCOME, "welcome")
        next_page(PageId.SIGN_UP)
        sign_up: Any = window.page_for(PageId.SIGN_UP)
        for field, text in {
            "name": "Maple Valley Unified",
            "nces_id": "0601234",
            "admin_name": "Dana Whitfield",
            "admin_email": "dana@maplevalley.k12.ca.us",
            "admin_phone": "(555) 201-4400",
        }.items():
            sign_up.inputs[field].setText(text)
            sign_up._edited(field)
        sign_up.inputs["state"].setCurrentIndex(sign_up.inputs["state"].findData("CA"))
        sign_up.inputs["sis_vendor"].setCurrentText("PowerSchool")
        shoot(PageId.SIGN_UP, "sign-up")
        next_page(PageId.IDENTITY_AND_SYNC)
        identity: Any = window.page_for(PageId.IDENTITY_AND_SYNC)
        identity._select(identity.identity_group, "google")
        identity._select(identity.sync_group, "sftp")
        wait(lambda: identity.sftp_box.username.text() != "", "the SFTP account from the hub")
        identity.sftp_box.new_password_button.click()
        wait(lambda: "keyring" in identity.sftp_box.status.text(), "a new SFTP password into the keyring")
        shoot(PageId.IDENTITY_AND_SYNC, "identity-and-sync")
        next_page(PageId.PREPARE_ROSTER)
        prepare: Any = window.page_for(PageId.PREPARE_ROSTER)
        prepare.add_inputs([sis])
        prepare.check_button.click()
        wait(lambda: prepare.result is not None, "checking the roster files")
        prepare.upload_button.click()
        wait(lambda: "processing expected at" in prepare.upload_status.text(), "sending the roster over SFTP")
        shoot(PageId.PREPARE_ROSTER, "prepare-roster-sent-over-sftp")
        wait(lambda: window.ctx.state.roster.upload_status == "succeeded", "the hub processing the roster")
        prepare.tabs.setCurrentIndex(1)
        shoot(PageId.PREPARE_ROSTER, "prepare-roster-issues")
        prepare.tabs.setCurrentIndex(2)
        prepare.preview_choice.setCurrentIndex(max(0, prepare.preview_choice.findData("students")))
        shoot(PageId.PREPARE_ROSTER, "prepare-roster-preview")
        next_page(PageId.STAFF_ADMINS)
        _add_staff(window.page_for(PageId.STAFF_ADMINS), wait)
        shoot(PageId.STAFF_ADMINS, "staff-admins")
        next_page(PageId.ADD_APP)
        add_app: Any = window.page_for(PageId.ADD_APP)
        wait(lambda: add_app.catalog.rowCount() > 0, "the app catalog")
        for row in range(add_app.catalog.rowCount()):
            if add_app.catalog.item(row).data(add_app_module.APP_ROLE).id == "symphony-math":
                add_app.app_list.setCurrentIndex(add_app.catalog.index(row, 0))
        add_app.authorize_button.click()
        wait(lambda: add_app.question.isVisibleTo(add_app), "the vendor's question")
        shoot(PageId.ADD_APP, "add-app-vendor-question")
        next_page(PageId.VENDOR_IMPORT)  # the import comes first; the vendor's question waits for it
        vendor: Any = window.page_for(PageId.VENDOR_IMPORT)
        idle(PageId.VENDOR_IMPORT)
        vendor.choose_roster_path = lambda: write_demo_vendor_roster(sis, workdir / "symphony_export.csv")
        vendor.roster_button.click()
        wait(lambda: vendor.result is not None and vendor.result.counts.needs_decision > 0, "matching")
        vendor.table.selectRow(0)
        shoot(PageId.VENDOR_IMPORT, "vendor-import-decision")
        vendor.decide(vendor._student_for_choice, vendor.choice.itemData(0))
        wait(lambda: vendor.result is not None and vendor.result.counts.needs_decision == 0, "the decision")
        vendor.write(workdir / "vendor_out")
        wait(lambda: window.ctx.state.vendor.written, "writing the import file")
        wait(vendor.tell_button.isVisible, "the offer to tell the vendor")
        vendor.tell_button.click()
        wait(lambda: vendor.tell_status.text().startswith("✓"), "telling the vendor")
        shoot(PageId.VENDOR_IMPORT, "vendor-import-told")
        window.back()
        wait(
            lambda: any(
                "accepted" in add_app.history.item(row).text() for row in range(add_app.history.count())
            ),
            "the vendor accepting",
        )
        shoot(PageId.ADD_APP, "add-app-connected")
        next_page(PageId.VENDOR_IMPORT)
        idle(PageId.VENDOR_IMPORT)
        next_page(PageId.SHARING)
        sharing: Any = window.page_for(PageId.SHARING)
        idle(PageId.SHARING)
        # School-site sharing: the district picks the schools Symphony Math recommends (up to grade 8); Cedar
        # Middle's tech lead (added on the staff admins step) opts the whole school in from their own window.
        sharing.type_buttons["school_site"].setChecked(True)
        recommended = {
            school.id
            for school in window.ctx.district_directory().schools
            if grade_number(school.high_grade) <= 8
        }
        for row in range(sharing.tree_model.rowCount()):
            item = sharing.tree_model.item(row)
            if item.data(sharing_module.ID_ROLE) in recommended:
                item.setCheckState(Qt.CheckState.Checked)
        wait(lambda: "Would share: 0 schools" in sharing.preview.text(), "the sharing preview")
        sharing.save_button.click()
        wait(lambda: sharing.ready() and len(sharing.site_rows) == len(recommended), "saving the sharing")
        cedar = next(n for n, row in enumerate(sharing.site_rows) if row.school_name == "Cedar Middle")
        sharing.site_table.selectRow(cedar)
        sharing.act_as_lead_button.click()
        wait(lambda: sharing.tech_lead_dialog is not None, "the tech lead's window")
        lead = sharing.tech_lead_dialog
        wait(lambda: lead.decide_box.isEnabled() and not lead.is_busy, "the tech lead signing in")
        lead.share_buttons[SchoolShare.WHOLE_SCHOOL].setChecked(True)
        lead.save_button.click()
        wait(lambda: lead.outcome.text().startswith("✓") and not lead.is_busy, "the tech lead's decision")
        shoot_widget(lead, "sharing-school-tech-lead")
        lead.close()
        wait(
            lambda: sharing.site_rows[cedar].opted_in and not sharing.is_busy, "the district's view updating"
        )
        sharing.site_table.clearSelection()
        shoot(PageId.SHARING, "sharing-school-site")
        next_page(PageId.VALIDATE)
        shoot(PageId.VALIDATE, "validate")
        validate: Any = window.page_for(PageId.VALIDATE)
        validate.tabs.setCurrentWidget(validate.data_browser)
        validate.data_browser.query.setText(_mixed_query(window.ctx))
        validate.data_browser.look_up()
        wait(lambda: validate.data_browser.result is not None and not validate.is_busy, "the data browser")
        shoot(PageId.VALIDATE, "validate-data-browser")
        next_page(PageId.ROLL_OUT)
        roll_out: Any = window.page_for(PageId.ROLL_OUT)
        roll_out.launch_button.click()
        wait(lambda: window.ctx.state.launched, "the launch")
        wait(lambda: roll_out.user_id.count() > 0, "the shared students")
        roll_out.user_id.setCurrentIndex(0)
        roll_out.preview_button.click()
        wait(
            lambda: roll_out.portal.count() > 0 or "no apps" in roll_out.portal_title.text(),
            "the portal preview",
        )
        wait(lambda: roll_out.rehearsal.roster_path is not None, "the rehearsal's roster")
        roll_out.rehearsal.search.setText(roll_out.user_id.itemData(0))  # the student previewed
        roll_out.rehearsal.sign_in_button.click()
        wait(lambda: roll_out.rehearsal.outcome.isVisible() and not roll_out.is_busy, "the rehearsal")
        shoot(PageId.ROLL_OUT, "roll-out")

        def shoot_dialog(dialog: Any, label: str) -> None:
            settle = QEventLoop()
            QTimer.singleShot(150, settle.quit)
            settle.exec()
            path = out / f"{len(saved) + 1:02d}-{label}.png"
            dialog.grab().save(str(path))
            saved.append(path)

        email = roll_out.email_button
        email.click()
        teachers = roll_out.teacher_email
        wait(lambda: not teachers.is_busy and teachers.send_button.isEnabled(), "the teachers' email preview")
        shoot_dialog(teachers, "roll-out-teachers-email")
        teachers.send_button.click()
        wait(lambda: teachers.status.isVisible(), "the teachers' email sent")
        queued = teachers.result_seen.queued
        mailbox = roll_out.open_mailbox()

        def received() -> bool:
            if mailbox.is_busy:
                return False
            if mailbox.table.rowCount() >= queued + 2:  # and the vendor's question and acceptance
                return True
            mailbox.refresh()
            return False

        wait(received, "the demo mailbox")
        row = next(
            r for r in range(mailbox.table.rowCount()) if "accepted" in mailbox.table.item(r, 3).text()
        )
        mailbox.table.selectRow(row)
        shoot_dialog(mailbox, "mailbox")
        mailbox.close()
        teachers.close()
        _shoot_support_view(window.ctx, wait, out, saved)
        window.close()
        clever_ctx = _clever_context(ctx)
        try:
            window = OnboardingWizard(clever_ctx)
            window.resize(*WINDOW_SIZE)
            window.show()
            _walk_clever(window, sis, workdir, shoot, next_page, wait, idle)
            window.close()
        finally:
            clever_ctx.close()
    finally:
        ctx.close()
    return saved


def _clever_context(ctx: WizardContext) -> WizardContext:
    """A fresh onboarding on the same hub for the clever.com journey: the built-in hub's SFTP server stands in
    for sftp.clever.com, with a district account made for it as clever.com's dashboard would show it."""
    from wizard.hub.onboarding import OnboardingClient
    from wizard.session.clever import choose_clever
    from wizard.state import OnboardingState

    with OnboardingClient(ctx.hub_base_url()) as client:
        signed = client.signup(
            {"name": "Cedar Falls Unified", "state": "IA", "nces_id": "1906780", "sis_vendor": "PowerSchool"},
            {"name": "Sam Ortiz", "email": "sam.ortiz@cedarfalls.k12.ia.us", "phone": "3192770000"},
        )
        district = signed.district.id
        client.set_sync_method(district, "sftp")
        settings = client.sftp_settings(district)
        password = client.rotate_sftp_password(district).password
    state = OnboardingState()
    choose_clever(state, True)
    if not (settings.username and settings.host and settings.port):
        raise RuntimeError("the screenshot tour's hub has no SFTP server")
    state.sftp.username, state.sftp.host, state.sftp.port = settings.username, settings.host, settings.port
    ctx.credentials.set_sftp_password(settings.host, settings.port, settings.username, password)
    return WizardContext(
        state,
        embedded_hub=ctx.embedded_hub(),
        credentials=ctx.credentials,
        settings=ctx.settings,
        questions=ctx.questions,
        open_url=lambda url: None,  # the tour opens no browser
    )


def _walk_clever(
    window: OnboardingWizard,
    sis: Path,
    workdir: Path,
    shoot: Callable[[PageId, str], None],
    next_page: Callable[[PageId], None],
    wait: Callable[[Callable[[], bool], str], None],
    idle: Callable[[PageId], None],
) -> None:
    """The clever.com journey: guided steps filled in and ticked, the real ones done."""
    from wizard.session.summary import sis_file_counts
    from wizard.state import GuidedStep

    state = window.ctx.state
    welcome: Any = window.page_for(PageId.WELCOME)
    welcome.online.setChecked(True)
    welcome.clever.setChecked(True)
    shoot(PageId.WELCOME, "clever-welcome")
    next_page(PageId.SIGN_UP)

    def fill(page_id: PageId, step: GuidedStep, values: dict[str, str]) -> Any:
        page: Any = window.page_for(page_id)
        box = page.guided if hasattr(page, "guided") else page.boxes[step]
        for key, value in values.items():
            widget = box.inputs[key]
            if hasattr(widget, "findData"):
                widget.setCurrentIndex(widget.findData(value))
            elif hasattr(widget, "setPlainText"):
                widget.setPlainText(value)
            elif hasattr(widget, "setDate"):
                from PySide6.QtCore import QDate

                widget.setDate(QDate.fromString(value, "yyyy-MM-dd"))
            elif hasattr(widget, "item"):
                for row in range(widget.count()):
                    item = widget.item(row)
                    if item.data(Qt.ItemDataRole.UserRole) in value.split():
                        item.setCheckState(Qt.CheckState.Checked)
            else:
                widget.setText(value)
        box.done.click()
        wait(box.done.isChecked, f"ticking {step.value}")
        return page

    fill(
        PageId.SIGN_UP,
        GuidedStep.SIGN_UP,
        {
            "district_name": "Cedar Falls Unified",
            "admin_name": "Sam Ortiz",
            "admin_email": "sam.ortiz@cedarfalls.k12.ia.us",
        },
    )
    shoot(PageId.SIGN_UP, "clever-sign-up")
    next_page(PageId.IDENTITY_AND_SYNC)
    identity = fill(PageId.IDENTITY_AND_SYNC, GuidedStep.IDENTITY_PROVIDER, {"provider": "google"})
    wait(lambda: "keyring" in identity.sftp_box.status.text(), "the SFTP password found in the keyring")
    shoot(PageId.IDENTITY_AND_SYNC, "clever-identity-and-sftp")
    next_page(PageId.PREPARE_ROSTER)
    prepare: Any = window.page_for(PageId.PREPARE_ROSTER)
    prepare.add_inputs([sis])
    prepare.check_button.click()
    wait(lambda: prepare.result is not None, "checking the roster files")
    prepare.upload_button.click()
    wait(lambda: prepare.upload_status.text().startswith("✓ Sent"), "sending to the stand-in sftp.clever.com")
    shoot(PageId.PREPARE_ROSTER, "clever-prepare-sent-over-sftp")
    next_page(PageId.ADD_APP)
    fill(PageId.ADD_APP, GuidedStep.ADD_APP, {"app_name": "Symphony Math", "roster_route": "import"})
    shoot(PageId.ADD_APP, "clever-add-app")
    next_page(PageId.VENDOR_IMPORT)
    vendor: Any = window.page_for(PageId.VENDOR_IMPORT)
    idle(PageId.VENDOR_IMPORT)
    vendor.write(workdir / "clever_vendor_out")
    wait(lambda: state.vendor.written, "writing the import file")
    next_page(PageId.SHARING)
    fill(PageId.SHARING, GuidedStep.SHARING, {"sharing_type": "schools", "schools": "101 102 201"})
    fill(
        PageId.SHARING,
        GuidedStep.STAFF_ADMINS,
        {"admins": "lee.park@cedarfalls.k12.ia.us\nkim.ross@cedarfalls.k12.ia.us"},
    )
    shoot(PageId.SHARING, "clever-sharing-and-staff-admins")
    next_page(PageId.VALIDATE)
    validate: Any = window.page_for(PageId.VALIDATE)
    counts = sis_file_counts(state.roster.export_dir) or {}
    for kind, count in counts.items():  # as read in the dashboard; one kind short, to show the explanation
        validate.type_count(kind, count.sent - 2 if kind == "students" else count.sent)
    idle(PageId.VALIDATE)
    shoot(PageId.VALIDATE, "clever-validate")
    next_page(PageId.ROLL_OUT)
    fill(
        PageId.ROLL_OUT,
        GuidedStep.ROLLOUT,
        {"launch_date": "2027-01-11", "portal_url": "https://clever.com/in/cedarfalls"},
    )
    shoot(PageId.ROLL_OUT, "clever-roll-out")


def _mixed_query(ctx: WizardContext) -> str:
    """A name's start that finds a few students, some shared with the app and some not (for the browser's shot)."""
    hub = ctx.district_hub()
    for letters in ("Ga", "Ma", "Lo", "Ch", "Jo", "A", "M", "S"):
        page = hub.browse(letters, 12)
        verdicts = {app.shared for entry in page.data for app in entry.apps}
        if len(page.data) >= 3 and verdicts == {True, False}:
            return letters
    return "A"


def _has_rows(page: Any, rows: int) -> bool:
    return bool(page.table.rowCount() == rows and not page.is_busy)


def _add_staff(page: Any, wait: Callable[[Callable[[], bool], str], None]) -> None:
    """A district admin and Cedar Middle's tech lead added; a third colleague half-typed, as the admin sees it."""
    from wizard.wire.vocab import StaffRole

    wait(lambda: page.schools.count() > 0 and not page.is_busy, "the staff admins page")
    people = [
        ("Pat Kim", "pat.kim@maplevalley.k12.ca.us", StaffRole.DISTRICT_ADMIN, ""),
        ("Sam Ode", "sam.ode@maplevalley.k12.ca.us", StaffRole.SCHOOL_TECH_LEAD, "Cedar Middle"),
    ]
    for count, (name, email, role, school) in enumerate(people, start=1):
        page.role_buttons[role].setChecked(True)
        page.name.setText(name)
        page.email.setText(email)
        for row in range(page.schools.count()):
            item = page.schools.item(row)
            item.setCheckState(Qt.CheckState.Checked if item.text() == school else Qt.CheckState.Unchecked)
        page._refresh_errors()
        page.add_button.click()
        wait(partial(_has_rows, page, count), f"adding {name}")
    page.role_buttons[StaffRole.ADVANCED_USER].setChecked(True)
    page.name.setText("Ana Ruiz")
    page.email.setText("ana.ruiz@")
    page._edited("email")


SUPPORT_WINDOW_SIZE = (1280, 860)
DEMO_DISTRICT = "Maple Valley Unified School District"


def _shoot_support_view(
    ctx: Any, wait: Callable[[Callable[[], bool], str], None], out: Path, saved: list[Path]
) -> None:
    """The support view on the same embedded hub: the demo district signed in, its login links checked."""
    support = open_support_view(ctx, None, hub_url="")
    support.resize(*SUPPORT_WINDOW_SIZE)
    support.demo_button.click()
    wait(lambda: support.signed_in is not None and not support.is_busy, "the support view's demo sign-in")
    if support.run is None:  # the tour's own district uses the app too: pick the demo district
        table = support.districts_table
        row = next(
            r
            for r in range(table.rowCount())
            if (table.item(r, 0) or QTableWidgetItem()).text() == DEMO_DISTRICT
        )
        table.selectRow(row)
        support.check_district()
    wait(lambda: support.run is not None and not support.is_busy, "the support view's district read")
    support.links_tab.check_button.click()
    wait(lambda: support.run is not None and support.run.links is not None and not support.is_busy, "links")
    support.tabs.setCurrentWidget(support.links_tab)
    settle = QEventLoop()
    QTimer.singleShot(150, settle.quit)
    settle.exec()
    path = out / f"{len(saved) + 1:02d}-support-view.png"
    support.grab().save(str(path))
    saved.append(path)
    # Rehearse Instant Login for a student the check says will not be signed in
    links = support.run.links if support.run is not None else None
    unlinked = next((k for k in links.students if not k.linked and k.student.sis_id), None) if links else None
    if unlinked is not None:
        rehearsal = support.links_tab.rehearsal
        support.tabs.setCurrentWidget(support.rehearsal_tab)
        rehearsal.search.setText(unlinked.student.sis_id or "")
        rehearsal.sign_in_button.click()
        wait(lambda: rehearsal.outcome.isVisible() and not support.is_busy, "the support view's rehearsal")
        settle = QEventLoop()
        QTimer.singleShot(150, settle.quit)
        settle.exec()
        path = out / f"{len(saved) + 1:02d}-support-view-sign-in.png"
        support.grab().save(str(path))
        saved.append(path)
    support.close()
