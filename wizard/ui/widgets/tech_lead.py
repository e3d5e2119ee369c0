"""A school tech lead's own window: sign in with the tech lead's token and decide, for each of their schools and
each app shared by school site, whether it shares the whole school, chosen sections, or nothing.

Opened from the Sharing page ("Act as this school's tech lead", with the token this computer kept when it
added the tech lead, or "Sign in as a school tech lead" to type one). Everything goes through the Qt-free
`wizard.session.school_site.TechLeadDesk`, in Workers; the token lives in memory only while it is open.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QCloseEvent
from PySide6.QtWidgets import (
    QButtonGroup,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from wizard.session.school_site import Decision, TechLeadDesk, decided_words
from wizard.tasks import CancelToken, ProgressCallback
from wizard.ui.widgets.banner import BusyBar, ErrorBanner, describe_error
from wizard.ui.widgets.look import set_tone
from wizard.ui.worker import Worker
from wizard.wire.onboarding import SchoolSiteOut, StaffSessionOut
from wizard.wire.vocab import SchoolShare

Task = Callable[[ProgressCallback, CancelToken], Any]


class TechLeadDialog(QDialog):
    decided = Signal()  # a school's sharing changed: the district's view is out of date

    def __init__(self, desk: TechLeadDesk, token: str = "", parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.desk = desk
        self.setObjectName("techLeadDialog")
        self.setWindowTitle(self.tr("School tech lead — school-site sharing"))
        self.setAccessibleName(self.tr("School tech lead's sharing"))
        self.resize(720, 640)
        self._workers: set[Worker] = set()
        self._decision: Decision | None = None
        layout = QVBoxLayout(self)
        self.banner = ErrorBanner(self)
        layout.addWidget(self.banner)

        sign_in = QGroupBox(self.tr("Sign in with your own tech lead token"))
        sign_in_layout = QHBoxLayout(sign_in)
        self.token = QLineEdit(token)
        self.token.setEchoMode(QLineEdit.EchoMode.Password)
        self.token.setAccessibleName(self.tr("Tech lead token"))
        self.token.setPlaceholderText(self.tr("The token your district admin gave you"))
        self.sign_in_button = QPushButton(self.tr("&Sign in"))
        self.sign_in_button.setAccessibleName(self.tr("Sign in as the tech lead"))
        sign_in_layout.addWidget(self.token, 1)
        sign_in_layout.addWidget(self.sign_in_button)
        layout.addWidget(sign_in)
        self.who = QLabel()
        self.who.setWordWrap(True)
        self.who.setAccessibleName(self.tr("Signed in as"))
        layout.addWidget(self.who)

        self.decide_box = QGroupBox(self.tr("Your school's sharing"))
        decide_layout = QVBoxLayout(self.decide_box)
        form = QFormLayout()
        self.school = QComboBox()
        self.school.setAccessibleName(self.tr("School and app"))
        school_label = QLabel(self.tr("Sc&hool and app"))
        school_label.setBuddy(self.school)
        form.addRow(school_label, self.school)
        decide_layout.addLayout(form)
        self.share_group = QButtonGroup(self)
        self.share_buttons: dict[SchoolShare, QRadioButton] = {}
        for share, text in (
            (SchoolShare.WHOLE_SCHOOL, self.tr("Share the &whole school (new sections included)")),
            (SchoolShare.SECTIONS, self.tr("Share only the s&ections ticked below")),
            (SchoolShare.NOT_DECIDED, self.tr("Share &nothing of this school (opt out)")),
        ):
            button = QRadioButton(text)
            button.setAccessibleName(text.replace("&", ""))
            self.share_group.addButton(button)
            self.share_buttons[share] = button
            decide_layout.addWidget(button)
        self.sections = QListWidget()
        self.sections.setAccessibleName(self.tr("The school's sections"))
        decide_layout.addWidget(self.sections, 1)
        self.save_button = QPushButton(self.tr("Sa&ve this school's sharing"))
        self.save_button.setAccessibleName(self.tr("Save this school's sharing"))
        decide_layout.addWidget(self.save_button, 0, Qt.AlignmentFlag.AlignRight)
        self.outcome = QLabel()
        self.outcome.setWordWrap(True)
        self.outcome.setAccessibleName(self.tr("What the school shares now"))
        decide_layout.addWidget(self.outcome)
        self.decide_box.setEnabled(False)
        layout.addWidget(self.decide_box, 1)

        self.busy = BusyBar(self)
        layout.addWidget(self.busy)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)

        self.sign_in_button.clicked.connect(self.sign_in)
        self.token.returnPressed.connect(self.sign_in)
        self.school.currentIndexChanged.connect(lambda _i: self._open_school())
        self.share_group.buttonToggled.connect(lambda *_a: self._share_changed())
        self.save_button.clicked.connect(self.save)
        self.busy.cancel_button.clicked.connect(self._cancel)

    # --- work off the GUI thread ---------------------------------------------------------------------------
    def run_task(self, task: Task, on_result: Callable[[Any], None], message: str) -> Worker:
        self.banner.clear()
        worker = Worker(task, name=f"tech lead: {message}")
        self._workers.add(worker)
        worker.progress.connect(self.busy.report)
        worker.result.connect(on_result)
        worker.error.connect(lambda error: self.banner.show_error(*describe_error(error), None))
        worker.finished.connect(lambda: self._finished(worker))
        self.busy.start(message, False)
        self._enable(False)
        worker.start()
        return worker

    def _finished(self, worker: Worker) -> None:
        self._workers.discard(worker)
        if not self._workers:
            self.busy.hide()
            self._enable(True)

    @property
    def is_busy(self) -> bool:
        return bool(self._workers)

    def _cancel(self) -> None:
        for worker in list(self._workers):
            worker.cancel()

    def _enable(self, enabled: bool) -> None:
        self.sign_in_button.setEnabled(enabled)
        self.decide_box.setEnabled(enabled and self._decision is not None)

    # --- signing in ----------------------------------------------------------------------------------------
    def sign_in(self) -> None:
        token, desk = self.token.text(), self.desk
        self._decision = None
        self.run_task(lambda p, c: desk.sign_in(token), self._signed_in, self.tr("Signing in…"))

    def _signed_in(self, me: StaffSessionOut) -> None:
        self.token.clear()  # kept by the desk's session only while this window is open
        choices = self.desk.choices()
        self.who.setText(
            self.tr("✓ Signed in as {name} <{email}>, school tech lead at {district}.").format(
                name=me.admin.name, email=me.admin.email, district=me.district_name
            )
            + (
                ""
                if choices
                else " "
                + self.tr(
                    "None of your schools has an app shared by school site yet: your district admin chooses "
                    "the schools on the Sharing step."
                )
            )
        )
        set_tone(self.who, "okNote" if choices else "warnNote")
        self.school.blockSignals(True)
        self.school.clear()
        for connection_id, app_name, school_id, school_name in choices:
            self.school.addItem(f"{school_name} — {app_name}", (connection_id, school_id))
        self.school.blockSignals(False)
        if choices:
            self.school.setCurrentIndex(0)
            self._open_school()

    # --- deciding ------------------------------------------------------------------------------------------
    def _open_school(self) -> None:
        picked = self.school.currentData()
        if not picked:
            return
        connection_id, school_id = picked
        desk = self.desk
        self.run_task(
            lambda p, c: desk.open_school(connection_id, school_id),
            self._opened,
            self.tr("Loading the school's sharing…"),
        )

    def _opened(self, decision: Decision) -> None:
        self._decision = decision
        chosen = set(decision.site.section_ids)
        self.sections.clear()
        for section in decision.sections:
            teachers = ", ".join(section.teacher_names)
            text = f"{section.name} ({teachers})" if teachers else section.name
            item = QListWidgetItem(text)
            item.setData(Qt.ItemDataRole.UserRole, section.id)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(Qt.CheckState.Checked if section.id in chosen else Qt.CheckState.Unchecked)
            self.sections.addItem(item)
        self.share_buttons[decision.site.share].setChecked(True)
        self._share_changed()
        self._show_outcome(decision.site, decision.app_name)
        self.decide_box.setEnabled(True)

    def _share_changed(self) -> None:
        self.sections.setEnabled(self.selected_share() is SchoolShare.SECTIONS)

    def selected_share(self) -> SchoolShare:
        for share, button in self.share_buttons.items():
            if button.isChecked():
                return share
        return SchoolShare.NOT_DECIDED

    def checked_sections(self) -> list[str]:
        return [
            str(self.sections.item(row).data(Qt.ItemDataRole.UserRole))
            for row in range(self.sections.count())
            if self.sections.item(row).checkState() == Qt.CheckState.Checked
        ]

    def save(self) -> None:
        decision = self._decision
        if decision is None:
            return
        share = self.selected_share()
        sections = self.checked_sections() if share is SchoolShare.SECTIONS else []
        if share is SchoolShare.SECTIONS and not sections:
            self.outcome.setText(self.tr("Tick at least one section, or share the whole school."))
            set_tone(self.outcome, "warnNote")
            return
        desk = self.desk

        def saved(site: SchoolSiteOut) -> None:
            self._decision = Decision(
                decision.district_id,
                decision.connection_id,
                decision.app_name,
                decision.school_id,
                site,
                decision.sections,
            )
            self._show_outcome(site, decision.app_name, saved=True)
            self.decided.emit()

        self.run_task(
            lambda p, c: desk.decide(decision.connection_id, decision.school_id, share, sections),
            saved,
            self.tr("Saving the school's sharing…"),
        )

    def _show_outcome(self, site: SchoolSiteOut, app_name: str, *, saved: bool = False) -> None:
        text = decided_words(site, app_name)
        self.outcome.setText(("✓ " + self.tr("Saved: ") if saved else "") + text)
        set_tone(self.outcome, "okNote" if site.opted_in else "")

    # --- closing -------------------------------------------------------------------------------------------
    def done(self, result: int) -> None:
        self._cancel()
        for worker in list(self._workers):
            for signal in (worker.progress, worker.result, worker.error, worker.finished):
                with contextlib.suppress(RuntimeError, TypeError):  # nothing connected any more
                    signal.disconnect()
        self._workers.clear()
        self.desk.close()
        super().done(result)

    def closeEvent(self, event: QCloseEvent) -> None:
        self.done(int(QDialog.DialogCode.Rejected))
        event.accept()
