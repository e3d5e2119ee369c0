"""Roll out: set the launch date, preview what a student or teacher will see in the portal, print the
per-school login instructions (PDF), and export a summary of everything done."""

from __future__ import annotations

import html
import os
import tempfile
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QDate, QMarginsF, QSize, Qt
from PySide6.QtGui import QPageLayout, QPageSize, QTextDocument
from PySide6.QtPrintSupport import QPrinter
from PySide6.QtWidgets import (
    QComboBox,
    QDateEdit,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QVBoxLayout,
)

from wizard.fileio import write_text_atomically
from wizard.flow import PAGE_TITLES, PageId
from wizard.hub.errors import HubError
from wizard.session import clever
from wizard.session.context import WizardContext
from wizard.session.questions import FileKind
from wizard.session.staff import summary_lines as staff_lines
from wizard.session.text import plural, when
from wizard.state import GuidedStep, OnboardingState
from wizard.tasks import CancelToken, ProgressCallback
from wizard.ui.pages.base import BasePage
from wizard.ui.widgets.guided_step import GuidedStepBox
from wizard.ui.widgets.icons import icon_from_bytes
from wizard.ui.widgets.login_rehearsal import LoginRehearsal, Pick, student_pick
from wizard.ui.widgets.look import set_tone
from wizard.ui.widgets.teacher_email import TeacherEmailDialog
from wizard.ui.words import IDENTITY_PROVIDERS, SYNC_METHODS

if TYPE_CHECKING:
    from wizard.hub.models import PortalView, RosterUser
    from wizard.support.linkcheck import RosterSource
    from wizard.support.rehearsal import RehearsalOutcome


def instructions_html(state: OnboardingState, schools: list[str], portal_url: str) -> str:
    """One page per school (or one for the district when it has none yet): how its students and teachers
    reach the app, printed and handed out."""
    provider = (
        clever.provider_label(state)
        if state.on_clever
        else IDENTITY_PROVIDERS.get(state.identity_provider, ("your district account", ""))[0].replace(
            "&", ""
        )
    )
    app = html.escape(state.app.app_name or "the app")
    pages = []
    for number, school in enumerate(schools or [state.district_form.name]):
        breaker = ' style="page-break-before: always"' if number else ""
        pages.append(
            f"<div{breaker}><h1>{html.escape(school)}</h1>"
            f"<h2>Signing in to {app}</h2><ol>"
            f"<li>Open <b>{html.escape(portal_url)}</b> in your browser.</li>"
            f"<li>Choose <b>{html.escape(state.district_form.name)}</b> and sign in with <b>{html.escape(provider)}</b>.</li>"
            f"<li>Click the <b>{app}</b> icon on your portal page. You are signed straight in.</li></ol>"
            f"<p>Available from {html.escape(state.launch_date or 'the launch date')}. Trouble signing in? "
            f"Ask your teacher or the school office; they contact {html.escape(state.district_form.admin_name)} "
            f"({html.escape(state.district_form.admin_email)}).</p></div>"
        )
    return "<html><body>" + "".join(pages) + "</body></html>"


def summary_text(state: OnboardingState) -> str:
    """Everything done, as plain text an admin can file or forward (no secrets: the state holds none)."""
    form = state.district_form
    lines = [
        "District onboarding summary",
        "",
        f"District: {form.name} ({form.state}), NCES id {form.nces_id}, hub id {state.district_id}",
        f"Administrator: {form.admin_name} <{form.admin_email}>, {form.admin_phone}",
        f"SIS: {form.sis_vendor}",
        f"Sign-in: {IDENTITY_PROVIDERS.get(state.identity_provider, (state.identity_provider, ''))[0].replace('&', '')}",
        f"Sync: {SYNC_METHODS.get(state.sync_method, (state.sync_method, ''))[0].replace('&', '')}",
        f"Roster upload: {state.roster.upload_id or 'none'} ({state.roster.upload_status or 'n/a'})",
        f"App: {state.app.app_name} — connection {state.app.connection_id} ({state.app.connection_status})",
        f"Sharing: {state.sharing.sharing_type}; schools {len(state.sharing.school_ids)}, "
        f"sections {len(state.sharing.section_ids)}, rules {len(state.sharing.rules)}",
        f"Launch date: {state.launch_date or 'not set'}{' (launched)' if state.launched else ''}",
        *staff_lines(state),
        "",
        "Steps completed: "
        + ", ".join(PAGE_TITLES[PageId(p)] for p in sorted(state.completed_pages) if p in set(PageId)),
    ]
    return "\n".join(lines) + "\n"


def write_pdf(document_html: str, target: Path) -> Path:
    """Render HTML to a Letter-size PDF through Qt's print support, readable by the user only (it names the
    district's schools), written to a temporary file in the same folder and renamed into place."""
    handle, temporary_name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".part", dir=target.parent)
    os.close(handle)  # mkstemp made it 0600; Qt writes into the existing file and keeps that
    temporary = Path(temporary_name)
    try:
        _print_pdf(document_html, temporary)
        temporary.replace(target)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise
    return target


def _print_pdf(document_html: str, target: Path) -> None:
    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
    printer.setOutputFileName(str(target))
    printer.setPageLayout(
        QPageLayout(
            QPageSize(QPageSize.PageSizeId.Letter),
            QPageLayout.Orientation.Portrait,
            QMarginsF(18, 18, 18, 18),
            QPageLayout.Unit.Millimeter,
        )
    )
    document = QTextDocument()
    document.setHtml(document_html)
    document.print_(printer)


class RollOutPage(BasePage):
    page_id = PageId.ROLL_OUT

    def __init__(self, ctx: WizardContext) -> None:
        super().__init__(ctx)
        self.setSubTitle(
            self.tr("Pick the launch date, see what students will see, and hand out instructions.")
        )
        # clever.com: the launch date and rollout resources are a guided dashboard step (no API).
        self.guided = GuidedStepBox(clever.guide(GuidedStep.ROLLOUT))
        self.guided.choice_changed.connect(self._guided_choice)
        self.guided.done_toggled.connect(self._guided_done)
        self.guided.open_requested.connect(self.open_link)
        self.guided.hide()
        self.content.addWidget(self.guided)
        launch_box = QGroupBox(self.tr("Launch"))
        launch_layout = QFormLayout(launch_box)
        self.launch_date = QDateEdit()
        self.launch_date.setCalendarPopup(True)
        self.launch_date.setDisplayFormat("MM/dd/yyyy")
        self.launch_date.setAccessibleName(self.tr("Launch date"))
        self.launch_button = QPushButton(self.tr("&Launch on this date"))
        self.launch_button.setAccessibleName(self.tr("Launch on this date"))
        self.launch_status = QLabel()
        self.launch_status.setWordWrap(True)
        row = QHBoxLayout()
        row.addWidget(self.launch_date)
        row.addWidget(self.launch_button)
        row.addStretch(1)
        date_label = QLabel(self.tr("Launch &date"))
        date_label.setBuddy(self.launch_date)
        launch_layout.addRow(date_label, row)
        launch_layout.addRow(self.launch_status)
        self.launch_box = launch_box
        self.content.addWidget(launch_box)

        portal_box = QGroupBox(self.tr("What a student or teacher will see"))
        portal_layout = QVBoxLayout(portal_box)
        lookup = QHBoxLayout()
        user_label = QLabel(self.tr("Student or teacher (&id or pick one)"))
        self.user_id = QComboBox()
        self.user_id.setEditable(True)
        self.user_id.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        self.user_id.setAccessibleName(self.tr("SIS id of a student or teacher"))
        self.user_id.setPlaceholderText(self.tr("SIS id, e.g. 010001"))
        user_label.setBuddy(self.user_id)
        self.preview_button = QPushButton(self.tr("&Preview portal"))
        self.preview_button.setAccessibleName(self.tr("Preview portal"))
        lookup.addWidget(user_label)
        lookup.addWidget(self.user_id, 1)
        lookup.addWidget(self.preview_button)
        self.portal_title = QLabel()
        self.portal_title.setWordWrap(True)
        self.portal = QListWidget()
        self.portal.setViewMode(QListWidget.ViewMode.IconMode)
        self.portal.setIconSize(QSize(64, 64))
        self.portal.setAccessibleName(self.tr("Portal preview"))
        self.portal.setMaximumHeight(112)
        portal_layout.addLayout(lookup)
        portal_layout.addWidget(self.portal_title)
        portal_layout.addWidget(self.portal)
        self.portal_box = portal_box
        self.content.addWidget(portal_box)

        self.rehearsal = LoginRehearsal(self._rehearse, self._choose_vendor_roster)
        self.content.addWidget(self.rehearsal)
        self._rehearsal_source: RosterSource | None = None

        hand_out = QHBoxLayout()
        self.pdf_button = QPushButton(self.tr("Save login &instructions (PDF)…"))
        self.pdf_button.setAccessibleName(self.tr("Save per-school login instructions as PDF"))
        self.email_button = QPushButton(self.tr("Email the instr&uctions to teachers…"))
        self.email_button.setAccessibleName(
            self.tr("Email the instructions to the teachers of the shared schools")
        )
        self.summary_button = QPushButton(self.tr("E&xport summary…"))
        self.summary_button.setAccessibleName(self.tr("Export a summary of the onboarding"))
        self.file_status = QLabel()
        hand_out.addWidget(self.pdf_button)
        hand_out.addWidget(self.email_button)
        hand_out.addWidget(self.summary_button)
        hand_out.addWidget(self.mailbox_button())
        hand_out.addWidget(self.file_status, 1)
        self.content.addLayout(hand_out)
        self.content.addStretch(1)

        self.launch_button.clicked.connect(self._launch)
        self.preview_button.clicked.connect(self._preview_portal)
        editor = self.user_id.lineEdit()
        if editor is not None:
            editor.returnPressed.connect(self._preview_portal)
        self.user_id.activated.connect(lambda _i: self._preview_portal())
        self.pdf_button.clicked.connect(self._save_instructions)
        self.summary_button.clicked.connect(self._export_summary)
        self.email_button.clicked.connect(self.email_teachers)
        self.teacher_email: TeacherEmailDialog | None = None
        self.launch_date.dateChanged.connect(self._date_changed)

    def initializePage(self) -> None:
        on_clever = self.ctx.state.on_clever
        self.guided.setVisible(on_clever)
        self.launch_box.setVisible(not on_clever)
        self.portal_box.setVisible(not on_clever)  # clever.com's portal has no preview API
        # The rehearsal's simulated vendor app and the hub's email are the built-in hub's, not clever.com's.
        self.rehearsal.setVisible(not on_clever)
        self.email_button.setVisible(not on_clever)
        if on_clever:
            self.setSubTitle(
                self.tr("Set the launch date in the dashboard, and hand out the login instructions.")
            )
            record = clever.record(self.ctx.state, GuidedStep.ROLLOUT)
            self.guided.show_record(record, {})
            for key, value in self.guided.unrecorded_dates(record).items():
                clever.set_choice(self.ctx.state, GuidedStep.ROLLOUT, key, value)
            self.ctx.save()
            self._show_guided()
            return
        saved = self.ctx.state.launch_date
        chosen = date.fromisoformat(saved) if saved else date.today()
        self.launch_date.setDate(QDate(chosen.year, chosen.month, chosen.day))
        self._show_launch()
        self._offer_rehearsal_roster()
        self.run_task(
            lambda progress, cancel: self.ctx.shared_users("student") + self.ctx.shared_users("teacher"),
            self._users_loaded,
            message=self.tr("Loading the shared students and teachers…"),
            quiet=True,
        )

    def _guided_choice(self, key: str, value: str) -> None:
        clever.set_choice(self.ctx.state, GuidedStep.ROLLOUT, key, value)
        self.ctx.save()
        self._show_guided()

    def _guided_done(self, done: bool) -> None:
        clever.set_done(self.ctx.state, GuidedStep.ROLLOUT, done)
        self.ctx.save()
        self._show_guided()

    def _show_guided(self) -> None:
        state = self.ctx.state
        self.guided.show_words(
            clever.check_text(state, GuidedStep.ROLLOUT),
            clever.said_text(state, GuidedStep.ROLLOUT),
            clever.missing(state, GuidedStep.ROLLOUT),
        )
        self.completeChanged.emit()

    def chosen_sis_id(self) -> str:
        """The picked user's SIS id, or what was typed."""
        index = self.user_id.currentIndex()
        if index >= 0 and self.user_id.currentText() == self.user_id.itemText(index):
            return str(self.user_id.itemData(index))
        return self.user_id.currentText().strip()

    def _users_loaded(self, users: list[RosterUser]) -> None:
        self.rehearsal.set_students(
            [
                student_pick(user.name, user.school_name, user.grade, user.sis_id, user)
                for user in users
                if user.role == "student"
            ]
        )
        typed = self.user_id.currentText()
        self.user_id.clear()
        for user in users:
            role = (
                self.tr("teacher")
                if user.role == "teacher"
                else self.tr("grade {grade}").format(grade=user.grade)
            )
            self.user_id.addItem(f"{user.name} — {user.school_name}, {role} ({user.sis_id})", user.sis_id)
        if typed.strip() or not users:
            self.user_id.setCurrentIndex(-1)
            self.user_id.setEditText(typed)
        else:
            self.user_id.setCurrentIndex(0)  # someone to preview at once, not an empty field

    def _date_changed(self, value: QDate) -> None:
        self.ctx.state.launch_date = value.toString("yyyy-MM-dd")
        self.ctx.save()

    def _show_launch(self) -> None:
        state = self.ctx.state
        if state.launched:
            self.launch_status.setText(
                self.tr(
                    "✓ {app} launches on {date}: from then on it shows in the portal of everyone it is shared with."
                ).format(app=state.app.app_name, date=when(state.launch_date))
            )
            set_tone(self.launch_status, "okNote")
        else:
            self.launch_status.setText(self.tr("Not launched yet: the app does not show in anyone's portal."))
            set_tone(self.launch_status, "warnNote")
        self.completeChanged.emit()

    def _launch(self) -> None:
        launch_on = self.launch_date.date().toString("yyyy-MM-dd")
        connection_id = self.ctx.state.app.connection_id

        def launched(_result: object) -> None:
            self.ctx.state.launch_date = launch_on
            self.ctx.state.launched = True
            self.ctx.state.mark_completed(self.page_id)
            self.ctx.save()
            self._show_launch()

        self.run_task(
            lambda progress, cancel: self.ctx.district_hub().launch(connection_id, launch_on),
            launched,
            message=self.tr("Setting the launch date…"),
            retry=self._launch,
            on_error=self._launch_refused,
        )

    def _launch_refused(self, error: object) -> bool:
        """The hub refuses a launch before the vendor accepts: say who has to act, not “reload”."""
        if not (isinstance(error, HubError) and error.code == "not_connected"):
            return False
        app = self.ctx.state.app.app_name or self.tr("the app")
        self.banner.show_error(
            self.tr("{app} cannot launch yet: its vendor has not accepted the connection.").format(app=app),
            self.tr(
                "The vendor has to act first. If they asked you something, answer it on the “Add and "
                "authorize the app” step (use Back); otherwise contact the vendor. Then launch again."
            ),
            self._launch,
        )
        return True

    def _preview_portal(self) -> None:
        sis_id = self.chosen_sis_id()
        if not sis_id:
            self.portal.clear()
            self.portal_title.setText(self.tr("Pick a student or teacher first, or type their SIS id."))
            return

        def fetch(
            progress: ProgressCallback, cancel: CancelToken
        ) -> tuple[PortalView, dict[str, bytes | None]]:
            portal = self.ctx.district_hub().portal(sis_id)
            return portal, {app.app_id: self.ctx.app_icon(app.app_id) for app in portal.apps}

        self.run_task(fetch, self._show_portal, message=self.tr("Loading the portal…"))

    def _show_portal(self, loaded: tuple[PortalView, dict[str, bytes | None]]) -> None:
        portal, icons = loaded
        self.portal.clear()
        for app in portal.apps:
            item = QListWidgetItem(icon_from_bytes(icons.get(app.app_id)), app.name)
            item.setTextAlignment(Qt.AlignmentFlag.AlignHCenter)
            self.portal.addItem(item)
        who = portal.name or portal.sis_id
        if portal.apps:
            text = self.tr("{who} ({role}) will see {apps} in the portal:").format(
                who=who, role=portal.role, apps=plural(len(portal.apps), "app")
            )
        else:
            text = self.tr("{who} ({role}) will see no apps yet.").format(who=who, role=portal.role)
        for app in portal.hidden:
            text += " " + self.tr("{app} is not shown: {reason}").format(app=app.name, reason=app.reason)
        self.portal_title.setText(text)

    # --- rehearsing Instant Login ------------------------------------------------------------------------------
    def _offer_rehearsal_roster(self) -> None:
        from wizard.support.linkcheck import RosterSource  # pandas loads with the rehearsal, not the page

        if self.rehearsal.roster_path is not None and self._rehearsal_source == RosterSource.VENDOR_EXPORT:
            return  # the admin chose one: keep it
        found = self.ctx.rehearsal_roster()
        if found is None:
            self.rehearsal.set_roster(None, "")
            return
        path, self._rehearsal_source = found
        what = (
            self.tr("the import file this wizard wrote ({name}): the accounts the vendor has once imported")
            if self._rehearsal_source == RosterSource.WIZARD_IMPORT
            else self.tr("the vendor's roster export {name}")
        ).format(name=path.name)
        self.rehearsal.set_roster(path, what)

    def _choose_vendor_roster(self) -> Path | None:
        from wizard.support.linkcheck import RosterSource

        path = self.choose_vendor_roster()
        if path is not None:
            self._rehearsal_source = RosterSource.VENDOR_EXPORT
        return path

    def choose_vendor_roster(self) -> Path | None:
        """Ask for the vendor's roster export (tests replace this; a file dialog cannot run headless)."""
        return self.choose_path(
            "vendor-roster",
            FileKind.OPEN_FILE,
            self.tr("The vendor's roster export"),
            self.tr("Rosters (*.csv *.tsv *.txt *.xlsx)"),
        )

    def _rehearse(self, pick: Pick, roster: Path) -> None:
        from wizard.hub.models import RosterUser
        from wizard.support.linkcheck import RosterSource

        source = self._rehearsal_source or RosterSource.VENDOR_EXPORT
        student = pick.item
        assert isinstance(student, RosterUser)

        def sign_in(progress: ProgressCallback, cancel: CancelToken) -> RehearsalOutcome:
            return self.ctx.rehearse_login(student, roster, source)

        self.run_task(
            sign_in,
            lambda outcome: self.rehearsal.show_outcome(pick, outcome),
            message=self.tr("Signing {name} in to the app…").format(name=student.name),
        )

    def choose_save_path(self, title: str, suggested: str, file_filter: str) -> Path | None:
        """Ask where to save (tests replace this; a file dialog cannot run headless)."""
        return self.choose_path(
            "save-" + Path(suggested).stem, FileKind.SAVE_FILE, title, file_filter, suggested=suggested
        )

    def _save_instructions(self) -> None:
        target = self.choose_save_path(
            self.tr("Save login instructions"), "login-instructions.pdf", self.tr("PDF files (*.pdf)")
        )
        if target is None:
            return

        def load(progress: ProgressCallback, cancel: CancelToken) -> tuple[list[str], str]:
            state = self.ctx.state
            if state.on_clever:  # the schools of the files sent; the portal link the dashboard shows
                portal = (
                    clever.record(state, GuidedStep.ROLLOUT).choices.get("portal_url") or clever.LOGIN_URL
                )
                return list(clever.prepared_schools(state.roster.export_dir).values()), portal
            return [school.name for school in self.ctx.district_directory().schools], self.ctx.portal_url()

        def render(loaded: tuple[list[str], str]) -> None:
            schools, portal_url = loaded
            # QTextDocument printing is GUI-thread work; it is quick for a page per school.
            write_pdf(instructions_html(self.ctx.state, schools, portal_url), target)
            self.file_status.setText(self.tr("✓ Saved {path}").format(path=target))

        self.run_task(load, render, message=self.tr("Preparing the instructions…"))

    def email_teachers(self) -> TeacherEmailDialog:
        """Preview and count the teachers' instructions email, then have the hub send it (all over its API,
        off the GUI thread)."""
        connection_id = self.ctx.state.app.connection_id
        if self.teacher_email is not None:
            self.teacher_email.deleteLater()
        self.teacher_email = TeacherEmailDialog(
            lambda: self.ctx.district_hub().teacher_instructions(connection_id, send=False),
            lambda: self.ctx.district_hub().teacher_instructions(connection_id, send=True),
            self.open_mailbox,
            self,
        )
        self.teacher_email.show()
        return self.teacher_email

    def _export_summary(self) -> None:
        target = self.choose_save_path(
            self.tr("Export summary"), "onboarding-summary.txt", self.tr("Text files (*.txt)")
        )
        if target is None:
            return
        state = self.ctx.state
        text = (
            clever.summary_text(state, clever.prepared_schools(state.roster.export_dir))
            if state.on_clever
            else summary_text(state)
        )
        write_text_atomically(target, text, private=False)  # no student data
        self.file_status.setText(self.tr("✓ Saved {path}").format(path=target))

    def ready(self) -> bool:
        if self.ctx.state.on_clever:
            return clever.is_done(self.ctx.state, GuidedStep.ROLLOUT)
        return self.ctx.state.launched

    def validatePage(self) -> bool:
        self.ctx.state.mark_completed(self.page_id)
        self.ctx.save()
        return True
