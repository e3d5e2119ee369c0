"""Troubleshoot a login: who the user is among the shared data, whether they will see the app, who must act."""

from __future__ import annotations

import datetime as dt
import functools
import time
from collections.abc import Callable

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from wizard.hub.onboarding import OnboardingClient
from wizard.support.troubleshoot import LoginDiagnosis
from wizard.tasks import CancelToken, ProgressCallback
from wizard.ui.support.widgets import Host, fill_table, make_table, wrapping_label

# Bound on the GUI thread to the signed-in hub and district; called in the Worker (the keyring may block).
AdminTokenReader = Callable[[], str | None]  # the district's admin token when this computer keeps it


class TroubleshootTab(QWidget):
    def __init__(
        self,
        host: Host,
        admin_token: Callable[[], AdminTokenReader],
        today: Callable[[], dt.date],
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        super().__init__()
        self.host = host
        self.admin_token = admin_token
        self.today = today
        self.sleep = sleep
        self.diagnoses: list[LoginDiagnosis] = []  # the answered lookups, for the report
        layout = QVBoxLayout(self)
        self.lookup_edit = QLineEdit()
        self.lookup_edit.setAccessibleName(self.tr("Who to look up"))
        self.lookup_edit.setPlaceholderText(self.tr("Hub id, SIS id, name or email"))
        self.lookup_button = QPushButton(self.tr("Look &up"))
        self.lookup_button.clicked.connect(self.look_up)
        self.lookup_edit.returnPressed.connect(self.look_up)
        row = QHBoxLayout()
        row.addWidget(self.lookup_edit, 1)
        row.addWidget(self.lookup_button)
        self.verdict = wrapping_label()
        self.verdict.setObjectName("lead")
        self.reasons_table = make_table([self.tr("Who must act"), self.tr("Effect"), self.tr("Why")])
        self.reasons_table.setAccessibleName(self.tr("Reasons"))
        self.reasons_table.setWordWrap(True)
        self.candidates_list = QListWidget()
        self.candidates_list.setAccessibleName(self.tr("People who match"))
        self.candidates_list.setToolTip(self.tr("Double-click or press Enter to look this person up"))
        self.candidates_list.itemActivated.connect(self._candidate_chosen)
        self.candidates_list.hide()
        layout.addLayout(row)
        layout.addWidget(self.verdict)
        layout.addWidget(self.candidates_list, 1)
        layout.addWidget(self.reasons_table, 1)

    def clear(self) -> None:
        self.diagnoses = []
        self.verdict.clear()
        self.reasons_table.setRowCount(0)
        self.candidates_list.clear()

    def look_up(self) -> None:
        run, query = self.host.run, self.lookup_edit.text().strip()
        if run is None or not query:
            return
        today, read_admin_token, sleep = self.today(), self.admin_token(), self.sleep

        def task(progress: ProgressCallback, cancel: CancelToken) -> LoginDiagnosis:
            portal = None
            admin_token = read_admin_token()
            if admin_token:  # this computer onboarded the district: the portal preview can say more
                admin = OnboardingClient(run.hub_url, admin_token, sleep=sleep)
                portal = functools.partial(admin.portal, run.district.id)
            return run.explain(query, today=today, portal=portal)

        self.host.run_task(task, self._explained, self.tr("Looking up {query}…").format(query=query))

    def _explained(self, diagnosis: LoginDiagnosis) -> None:
        self.verdict.setText(diagnosis.headline)
        self.candidates_list.clear()
        self.candidates_list.setVisible(bool(diagnosis.candidates))
        self.reasons_table.setVisible(not diagnosis.candidates)
        if not diagnosis.candidates:
            self.diagnoses.append(diagnosis)
        run = self.host.run
        for user in diagnosis.candidates:
            school = run.snapshot.school_name(user.school) if run else ""
            item = QListWidgetItem(
                f"{user.name} — {', '.join(user.roles) or 'user'}, {school}; SIS id {user.sis_id or '—'}; "
                f"{user.email or 'no email'}"
            )
            item.setData(Qt.ItemDataRole.UserRole, user.id)
            self.candidates_list.addItem(item)
        fill_table(
            self.reasons_table,
            [
                [r.actor, self.tr("blocks") if r.blocking else self.tr("note"), r.text]
                for r in diagnosis.reasons
            ],
        )
        self.reasons_table.resizeRowsToContents()

    def _candidate_chosen(self, item: QListWidgetItem) -> None:
        self.lookup_edit.setText(str(item.data(Qt.ItemDataRole.UserRole)))
        self.look_up()
