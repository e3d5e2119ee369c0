"""The support view: sign in with an app's client credentials, pick a connected district, and check it.

Every hub call runs in the one Worker class with progress and Cancel; the checks themselves are the Qt-free
functions of `wizard.support`, the same ones `python main.py support` runs.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import functools
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QCloseEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QFileDialog,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QMainWindow,
    QPushButton,
    QScrollArea,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from wizard.credentials import CredentialStore
from wizard.errors import UserFacingError
from wizard.hub.dataapi import DataApiClient
from wizard.hub.onboarding import OnboardingClient, VendorClient
from wizard.hub.transport import checked_base_url
from wizard.support.export import write_report_csv
from wizard.support.health import assess_health
from wizard.support.linkcheck import (
    LINKS_OUTCOME_ORDER,
    PLAIN_WORDS,
    SHORT_WORDS,
    WHO_ACTS,
    LinkCheck,
    check_login_links,
    read_vendor_roster,
)
from wizard.support.onboarding_state import onboarding_state
from wizard.support.reading import ConnectedDistrict, connected_districts, read_district
from wizard.support.run import (
    WARNING_COLUMNS,
    WARNINGS_FILE,
    SupportRun,
    warning_rows,
    write_links_csv,
    write_report,
)
from wizard.support.troubleshoot import LoginDiagnosis, explain_login
from wizard.tasks import CancelToken, ProgressCallback
from wizard.ui.pages.base import BusyBar, ErrorBanner, describe_error
from wizard.ui.support.chart import BarChart
from wizard.ui.worker import Worker

EMBEDDED_SCOPE = "embedded-hub"  # one keyring name for the embedded hub, whose port changes between runs


@dataclass(frozen=True)
class DemoLogin:
    """What the demo district on the embedded hub gives an agent to try the view: app credentials and the
    vendor's roster export."""

    client_id: str
    client_secret: str = dataclasses.field(repr=False)
    roster_path: Path


@dataclass
class SupportHub:
    """Where the view signs in: the address typed, or the embedded hub (started on first use, off the GUI thread)."""

    embedded_base_url: Callable[[], str]
    credentials: CredentialStore
    today: Callable[[], dt.date] = dt.date.today
    sleep: Callable[[float], None] = time.sleep
    demo: Callable[[], DemoLogin] | None = None  # seeds the demo district on the embedded hub (blocking)

    def resolve(self, typed: str) -> tuple[str, str]:
        """(base URL, keyring scope) for what the agent typed; empty means the embedded hub."""
        if typed.strip():
            url = checked_base_url(typed)
            return url, url
        return self.embedded_base_url(), EMBEDDED_SCOPE


@dataclass(frozen=True)
class SignedIn:
    client: DataApiClient
    vendor: VendorClient
    scope: str
    districts: list[ConnectedDistrict]


def _short_time(stamp: str | None) -> str:
    """An ISO timestamp as "2026-11-22 21:25" (the hub's full stamp stays in the tooltip)."""
    if not stamp:
        return "never"
    return stamp.replace("T", " ")[:16]


def _fit_height(table: QTableWidget, rows: int = 0) -> None:
    """Size a short table to its rows (at least `rows`), so the page has no empty table acreage."""
    header = table.horizontalHeader().height()
    height = sum(table.rowHeight(r) for r in range(table.rowCount()))
    minimum = rows * table.verticalHeader().defaultSectionSize()
    table.setFixedHeight(header + max(height, minimum) + 2 * table.frameWidth() + 2)


def _table(headers: list[str], stretch: int = -1) -> QTableWidget:
    table = QTableWidget(0, len(headers))
    table.setHorizontalHeaderLabels(headers)
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    table.setAlternatingRowColors(True)
    table.verticalHeader().setVisible(False)
    table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
    if stretch < 0:
        table.horizontalHeader().setStretchLastSection(True)
    else:
        table.horizontalHeader().setSectionResizeMode(stretch, QHeaderView.ResizeMode.Stretch)
    table.setWordWrap(False)
    return table


def _fill(table: QTableWidget, rows: list[list[str]], numeric: set[int] | None = None) -> None:
    numeric = numeric or set()
    table.setRowCount(len(rows))
    for r, row in enumerate(rows):
        for c, text in enumerate(row):
            item = QTableWidgetItem(text)
            item.setToolTip(text)
            if c in numeric:
                item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            table.setItem(r, c, item)


def _wrapping_label(text: str = "") -> QLabel:
    label = QLabel(text)
    label.setWordWrap(True)
    label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    return label


class SupportWindow(QMainWindow):
    def __init__(self, hub: SupportHub, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.hub = hub
        self.setObjectName("supportWindow")
        self.setWindowTitle(self.tr("Support view — District Onboarding Wizard"))
        self.resize(1280, 860)
        self._workers: set[Worker] = set()
        self.signed_in: SignedIn | None = None
        self.run: SupportRun | None = None
        self.diagnoses: list[LoginDiagnosis] = []

        central = QWidget()
        layout = QVBoxLayout(central)
        self.banner = ErrorBanner()
        layout.addWidget(self.banner)
        layout.addWidget(self._sign_in_box())
        splitter = QSplitter(Qt.Orientation.Horizontal)
        splitter.addWidget(self._districts_box())
        self.tabs = QTabWidget()
        self.tabs.addTab(self._health_tab(), self.tr("&Health"))
        self.tabs.addTab(self._links_tab(), self.tr("&Login links"))
        self.tabs.addTab(self._troubleshoot_tab(), self.tr("&Troubleshoot a login"))
        self.tabs.addTab(self._report_tab(), self.tr("Diagnostic &report"))
        self.tabs.setEnabled(False)
        splitter.addWidget(self.tabs)
        splitter.setStretchFactor(1, 3)
        splitter.setSizes([430, 850])
        layout.addWidget(splitter, 1)
        self.busy = BusyBar()
        self.busy.cancel_button.clicked.connect(self.cancel_tasks)
        layout.addWidget(self.busy)
        self.setCentralWidget(central)
        if hub.credentials.warning:
            self.keyring_note.setText(hub.credentials.warning)

    # --- building ---------------------------------------------------------------------------------------
    def _sign_in_box(self) -> QGroupBox:
        box = QGroupBox(self.tr("Sign in with your app's client credentials"))
        form = QFormLayout(box)
        self.hub_edit = QLineEdit()
        self.hub_edit.setPlaceholderText(
            self.tr("Leave empty for the built-in demo hub, or https://api.hub.example")
        )
        self.hub_edit.setAccessibleName(self.tr("Hub address"))
        self.client_id_edit = QLineEdit()
        self.client_id_edit.setAccessibleName(self.tr("Client id"))
        self.secret_edit = QLineEdit()
        self.secret_edit.setEchoMode(QLineEdit.EchoMode.Password)
        self.secret_edit.setAccessibleName(self.tr("Client secret"))
        self.secret_edit.setPlaceholderText(self.tr("Kept in your system keyring after a successful sign-in"))
        self.sign_in_button = QPushButton(self.tr("&Sign in"))
        self.sign_in_button.setDefault(True)
        self.demo_button = QPushButton(self.tr("Try the &demo district"))
        self.demo_button.setToolTip(
            self.tr("Load Maple Valley Unified on the built-in hub and sign in as Symphony Math")
        )
        self.demo_button.setVisible(self.hub.demo is not None)
        self.demo_button.clicked.connect(self.try_demo)
        self.hub_edit.textChanged.connect(
            lambda text: self.demo_button.setEnabled(not text.strip() and not self.is_busy)
        )
        self.keyring_note = _wrapping_label()
        row = QHBoxLayout()
        row.addWidget(self.secret_edit, 1)
        row.addWidget(self.sign_in_button)
        row.addWidget(self.demo_button)
        form.addRow(self.tr("Hub:"), self.hub_edit)
        form.addRow(self.tr("Client &id:"), self.client_id_edit)
        secret_label = QLabel(self.tr("Client s&ecret:"))
        secret_label.setBuddy(self.secret_edit)
        form.addRow(secret_label, row)
        form.addRow(self.keyring_note)
        self.client_id_edit.editingFinished.connect(self._fill_saved_secret)
        self.sign_in_button.clicked.connect(self.sign_in)
        self.secret_edit.returnPressed.connect(self.sign_in)
        return box

    def _districts_box(self) -> QGroupBox:
        box = QGroupBox(self.tr("Connected districts"))
        layout = QVBoxLayout(box)
        self.districts_table = _table([self.tr("District"), self.tr("Sync"), self.tr("Last sync")], stretch=0)
        self.districts_table.setAccessibleName(self.tr("Connected districts"))
        self.districts_table.itemSelectionChanged.connect(self._district_selected)
        self.check_button = QPushButton(self.tr("&Check this district"))
        self.check_button.setEnabled(False)
        self.check_button.clicked.connect(self.check_district)
        layout.addWidget(self.districts_table, 1)
        layout.addWidget(self.check_button)
        return box

    def _health_tab(self) -> QWidget:
        page = QWidget()
        layout = QVBoxLayout(page)
        self.health_summary = _wrapping_label(self.tr("Sign in and choose a district."))
        self.counts_table = _table(
            [self.tr("School"), self.tr("Teachers"), self.tr("Sections"), self.tr("Students")], stretch=0
        )
        self.counts_table.setAccessibleName(self.tr("Shared counts by school"))
        self.counts_chart = BarChart()
        self.counts_chart.setAccessibleName(self.tr("Students shared by school"))
        self.findings_table = _table(
            [self.tr("Warning"), self.tr("Count"), self.tr("Who must act"), self.tr("Why it matters")]
        )
        self.findings_table.setAccessibleName(self.tr("Data warnings"))
        layout.addWidget(self.health_summary)
        layout.addWidget(self.counts_table)
        layout.addWidget(QLabel(self.tr("Students shared with the app, by school:")))
        layout.addWidget(self.counts_chart)
        layout.addWidget(QLabel(self.tr("Data warnings:")))
        layout.addWidget(self.findings_table)
        warnings_row = QHBoxLayout()
        self.warnings_note = _wrapping_label()
        self.warnings_button = QPushButton(self.tr("Export affected rec&ords…"))
        self.warnings_button.setToolTip(
            self.tr("Every record behind the warnings, as a CSV for the district")
        )
        self.warnings_button.clicked.connect(self._choose_warnings_export)
        warnings_row.addWidget(self.warnings_note, 1)
        warnings_row.addWidget(self.warnings_button)
        layout.addLayout(warnings_row)
        layout.addStretch(1)
        return page

    def _links_tab(self) -> QWidget:
        page = QWidget()
        layout = QVBoxLayout(page)
        intro = _wrapping_label(
            self.tr(
                "Load the vendor's current roster export (CSV or Excel). Each shared student's SIS id must be an "
                "account's ExternalID for Instant Login to sign them into that account."
            )
        )
        row = QHBoxLayout()
        self.roster_edit = QLineEdit()
        self.roster_edit.setAccessibleName(self.tr("Vendor roster file"))
        self.roster_edit.setPlaceholderText(self.tr("The vendor's roster export"))
        browse = QPushButton(self.tr("&Browse…"))
        browse.clicked.connect(self._browse_roster)
        self.links_button = QPushButton(self.tr("&Run the check"))
        self.links_button.clicked.connect(self.check_links)
        row.addWidget(self.roster_edit, 1)
        row.addWidget(browse)
        row.addWidget(self.links_button)
        self.links_summary = _wrapping_label()
        self.links_table = _table(
            [
                self.tr("School"),
                self.tr("Shared"),
                self.tr("Linked"),
                self.tr("Not linked"),
                self.tr("Unclaimed accounts"),
                self.tr("Why not"),
            ]
        )
        self.links_table.setAccessibleName(self.tr("Login links by school"))
        self.links_table.setWordWrap(True)
        self.links_chart = BarChart()
        self.links_chart.setAccessibleName(self.tr("Linked and not linked students by school"))
        export_row = QHBoxLayout()
        self.only_problems = QCheckBox(self.tr("Only students and accounts that will &not link"))
        self.only_problems.setChecked(True)
        self.export_button = QPushButton(self.tr("&Export CSV…"))
        self.export_button.setEnabled(False)
        self.export_button.clicked.connect(self._choose_export)
        export_row.addWidget(self.only_problems)
        export_row.addStretch(1)
        export_row.addWidget(self.export_button)
        self.export_note = _wrapping_label()
        self.links_legend = _wrapping_label()
        self.links_legend.setObjectName("muted")
        layout.addWidget(intro)
        layout.addLayout(row)
        layout.addWidget(self.links_summary)
        layout.addWidget(self.links_table)
        layout.addWidget(self.links_chart)
        layout.addWidget(self.links_legend)
        layout.addStretch(1)
        layout.addLayout(export_row)
        layout.addWidget(self.export_note)
        return page

    def _troubleshoot_tab(self) -> QWidget:
        page = QWidget()
        layout = QVBoxLayout(page)
        row = QHBoxLayout()
        self.lookup_edit = QLineEdit()
        self.lookup_edit.setAccessibleName(self.tr("Who to look up"))
        self.lookup_edit.setPlaceholderText(self.tr("Hub id, SIS id, name or email"))
        self.lookup_button = QPushButton(self.tr("Look &up"))
        self.lookup_button.clicked.connect(self.look_up)
        self.lookup_edit.returnPressed.connect(self.look_up)
        row.addWidget(self.lookup_edit, 1)
        row.addWidget(self.lookup_button)
        self.verdict = _wrapping_label()
        self.verdict.setObjectName("lead")
        self.reasons_table = _table([self.tr("Who must act"), self.tr(""), self.tr("Why")])
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
        return page

    def _report_tab(self) -> QWidget:
        page = QWidget()
        layout = QVBoxLayout(page)
        layout.addWidget(
            _wrapping_label(
                self.tr(
                    "One HTML file to attach to a ticket: onboarding state, counts, warnings, the login-link check "
                    "and your lookups. Student and teacher names, emails and ids are replaced by hashed ids unless "
                    "you include them."
                )
            )
        )
        self.include_names = QCheckBox(self.tr("&Include names, emails and ids"))
        self.report_button = QPushButton(self.tr("Sa&ve diagnostic report…"))
        self.report_button.clicked.connect(self._choose_report)
        self.report_note = _wrapping_label()
        layout.addWidget(self.include_names)
        layout.addWidget(self.report_button, 0, Qt.AlignmentFlag.AlignLeft)
        layout.addWidget(self.report_note)
        layout.addStretch(1)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setWidget(page)
        return scroll

    # --- running tasks ----------------------------------------------------------------------------------
    @property
    def is_busy(self) -> bool:
        return bool(self._workers)

    def run_task(
        self,
        task: Callable[[ProgressCallback, CancelToken], Any],
        on_result: Callable[[Any], None],
        message: str,
    ) -> Worker:
        self.banner.clear()
        worker = Worker(task, name=f"support: {message}")
        self._workers.add(worker)
        worker.progress.connect(self.busy.report)
        worker.result.connect(on_result)
        worker.error.connect(self.show_error)
        worker.finished.connect(lambda: self._finished(worker))
        self.busy.start(message, True)
        self._set_actions_enabled(False)
        worker.start()
        return worker

    def _finished(self, worker: Worker) -> None:
        self._workers.discard(worker)
        if not self._workers:
            self.busy.hide()
            self._set_actions_enabled(True)

    def _set_actions_enabled(self, enabled: bool) -> None:
        self.sign_in_button.setEnabled(enabled)
        self.demo_button.setEnabled(enabled and not self.hub_edit.text().strip())
        self.check_button.setEnabled(enabled and bool(self.districts_table.selectedItems()))
        for button in (self.links_button, self.lookup_button, self.report_button, self.warnings_button):
            button.setEnabled(enabled)
        self.export_button.setEnabled(enabled and self.run is not None and self.run.links is not None)

    def cancel_tasks(self) -> None:
        for worker in list(self._workers):
            worker.cancel()

    def show_error(self, error: object) -> None:
        message, hint = describe_error(error)
        self.banner.show_error(message, hint, None)

    def closeEvent(self, event: QCloseEvent) -> None:
        self.cancel_tasks()
        if self.signed_in is not None:
            self.signed_in.client.close()
            self.signed_in.vendor.close()
        super().closeEvent(event)

    # --- sign in and districts ----------------------------------------------------------------------------
    def _fill_saved_secret(self) -> None:
        typed, client_id = self.hub_edit.text().strip(), self.client_id_edit.text().strip()
        if not client_id or self.secret_edit.text():
            return
        try:
            scope = checked_base_url(typed) if typed else EMBEDDED_SCOPE
        except UserFacingError:
            return  # the address is shown as wrong when signing in
        saved = self.hub.credentials.app_secret(scope, client_id)
        if saved:
            self.secret_edit.setText(saved)
            self.keyring_note.setText(self.tr("Using the client secret saved in your keyring."))

    def try_demo(self) -> None:
        demo = self.hub.demo
        if demo is None:
            return

        def task(progress: ProgressCallback, cancel: CancelToken) -> DemoLogin:
            progress(0, 1, "Loading the demo district…")
            return demo()

        self.run_task(task, self._demo_ready, self.tr("Loading the demo district…"))

    def _demo_ready(self, login: DemoLogin) -> None:
        self.hub_edit.clear()
        self.client_id_edit.setText(login.client_id)
        self.secret_edit.setText(login.client_secret)
        self.roster_edit.setText(str(login.roster_path))
        self.sign_in()

    def sign_in(self) -> None:
        client_id, secret, typed = (
            self.client_id_edit.text().strip(),
            self.secret_edit.text().strip(),
            self.hub_edit.text().strip(),
        )
        if not client_id or not secret:
            self.banner.show_error(
                self.tr("Enter the app's client id and client secret."),
                self.tr("Both are on the app's page in the hub's developer dashboard."),
                None,
            )
            return
        sleep = self.hub.sleep

        def task(progress: ProgressCallback, cancel: CancelToken) -> SignedIn:
            base_url, scope = self.hub.resolve(typed)
            client = DataApiClient(base_url, client_id, secret, sleep=sleep)
            districts = connected_districts(client, progress, cancel, sleep=sleep)
            return SignedIn(client, VendorClient(base_url, client_id, secret, sleep=sleep), scope, districts)

        self.run_task(task, lambda result: self._signed_in(result, client_id, secret), self.tr("Signing in…"))

    def _signed_in(self, signed: SignedIn, client_id: str, secret: str) -> None:
        if self.signed_in is not None:
            self.signed_in.client.close()
            self.signed_in.vendor.close()
        self.signed_in = signed
        self.hub.credentials.set_app_secret(signed.scope, client_id, secret)
        where = (
            self.tr("your keyring") if self.hub.credentials.persistent else self.tr("memory for this session")
        )
        self.keyring_note.setText(
            self.tr("Signed in to {url}; the secret is kept in {where}.").format(
                url=signed.client.base_url, where=where
            )
        )
        _fill(
            self.districts_table,
            [
                [
                    d.name,
                    d.district.state or "—",
                    _short_time(d.district.last_sync),
                ]
                for d in signed.districts
            ],
        )
        if not signed.districts:
            self.banner.show_error(
                self.tr("No district has connected your app yet."),
                self.tr("A district must add and authorize the app, and you must accept it."),
                None,
            )
        elif len(signed.districts) == 1:
            self.districts_table.selectRow(0)
            self.check_district()

    def _district_selected(self) -> None:
        self.check_button.setEnabled(bool(self.districts_table.selectedItems()) and not self.is_busy)

    def selected_district(self) -> ConnectedDistrict | None:
        rows = self.districts_table.selectionModel().selectedRows()
        if self.signed_in is None or not rows:
            return None
        return self.signed_in.districts[rows[0].row()]

    def check_district(self) -> None:
        district, signed = self.selected_district(), self.signed_in
        if district is None or signed is None:
            return
        today, sleep = self.hub.today(), self.hub.sleep

        def task(progress: ProgressCallback, cancel: CancelToken) -> SupportRun:
            onboarding = onboarding_state(signed.vendor, district.id)
            snapshot = read_district(
                signed.client.for_district(district.token), progress, cancel, sleep=sleep
            )
            app = onboarding.connection.app_name if onboarding.connection else "the app"
            return SupportRun(
                signed.client.base_url,
                signed.client.client_id,
                app,
                district,
                snapshot,
                assess_health(snapshot, today),
                onboarding,
                None,
            )

        self.run_task(task, self._checked, self.tr("Reading {name}…").format(name=district.name))

    def _checked(self, run: SupportRun) -> None:
        self.run = run
        self.diagnoses = []
        self.tabs.setEnabled(True)
        health = run.health
        totals = health.totals
        onboarding = run.onboarding.note if run.onboarding else ""
        self.health_summary.setText(
            self.tr(
                "<b>{name}</b> — {app}<br>Sync: {sync}, last sync {last}; launch {launch}.<br>{onboarding}<br>"
                "Shared: {schools} schools, {teachers} teachers, {sections} sections, {students} students."
            ).format(
                name=health.district_name,
                app=run.app_title,
                sync=health.sync_state or "unknown",
                last=_short_time(health.last_sync),
                launch=health.launch_date or "not set",
                onboarding=onboarding,
                **totals,
            )
        )
        _fill(
            self.counts_table,
            [[s.name, str(s.teachers), str(s.sections), str(s.students)] for s in health.by_school],
            {1, 2, 3},
        )
        _fit_height(self.counts_table)
        self.counts_chart.set_data(
            [s.name for s in health.by_school],
            [(self.tr("students"), [s.students for s in health.by_school])],
        )
        _fill(
            self.findings_table,
            [[f.title, str(f.count), f.actor, f.explanation] for f in health.findings]
            + [
                [
                    self.tr("Not checked: {what}").format(what=what),
                    "",
                    "app",
                    self.tr("Your app may not read them."),
                ]
                for what in health.unreadable
            ]
            or [[self.tr("No data problems found."), "", "", ""]],
            {1},
        )
        _fit_height(self.findings_table)
        self._show_links(None)
        self.verdict.clear()
        self.reasons_table.setRowCount(0)

    def _choose_warnings_export(self) -> None:
        path, _ = QFileDialog.getSaveFileName(
            self, self.tr("Export the affected records"), WARNINGS_FILE, self.tr("CSV (*.csv)")
        )
        if path:
            self.export_warnings(Path(path))

    def export_warnings(self, path: Path) -> None:
        if self.run is None:
            return
        rows = warning_rows(self.run.health)

        def task(progress: ProgressCallback, cancel: CancelToken) -> Path:
            return write_report_csv(rows, WARNING_COLUMNS, path)

        self.run_task(
            task,
            lambda saved: self.warnings_note.setText(self.tr("Saved {path}").format(path=saved)),
            self.tr("Exporting…"),
        )

    # --- login links ----------------------------------------------------------------------------------------
    def _browse_roster(self) -> None:
        path, _ = QFileDialog.getOpenFileName(
            self,
            self.tr("The vendor's roster export"),
            "",
            self.tr("Rosters (*.csv *.tsv *.txt *.xlsx);;All files (*)"),
        )
        if path:
            self.roster_edit.setText(path)

    def check_links(self) -> None:
        run, text = self.run, self.roster_edit.text().strip()
        if run is None:
            return
        if not text:
            self.banner.show_error(
                self.tr("Choose the vendor's roster export first."),
                self.tr("Use Browse… to pick the file."),
                None,
            )
            return
        path = Path(text)

        def task(progress: ProgressCallback, cancel: CancelToken) -> LinkCheck:
            return check_login_links(run.snapshot, read_vendor_roster(path), progress, cancel)

        self.run_task(task, self._linked, self.tr("Checking login links…"))

    def _linked(self, links: LinkCheck) -> None:
        if self.run is None:
            return
        if self.run.app_title == "the app":
            self.run = dataclasses.replace(self.run, app_title=links.app_title)
        self.run = dataclasses.replace(self.run, links=links)
        self._show_links(links)

    def _show_links(self, links: LinkCheck | None) -> None:
        self.export_note.clear()
        if links is None:
            self.links_summary.setText(self.tr("Not checked yet."))
            self.links_table.setRowCount(0)
            self.links_legend.clear()
            self.links_chart.set_data([], [])
            self.export_button.setEnabled(False)
            return
        worst = links.worst_school()
        headline = (
            self.tr("<b>{n} students at {school} will not be linked.</b> ").format(
                n=worst.not_linked_total, school=worst.school
            )
            if worst
            else self.tr("<b>Every shared student will be linked.</b> ")
        )
        self.links_summary.setText(
            headline
            + self.tr(
                "In all: {linked} linked, {not_linked} not linked, {accounts} vendor accounts no shared student points to."
            ).format(linked=links.linked, not_linked=links.not_linked, accounts=len(links.accounts))
        )
        _fill(
            self.links_table,
            [
                [
                    s.school,
                    str(s.shared),
                    str(s.linked),
                    str(s.not_linked_total),
                    str(s.unclaimed_accounts),
                    "\n".join(f"{n} {SHORT_WORDS[o]}" for o, n in s.not_linked.most_common()),
                ]
                for s in links.schools
            ],
            {1, 2, 3, 4},
        )
        self.links_table.resizeRowsToContents()
        default_height = self.links_table.verticalHeader().defaultSectionSize()
        for row in range(self.links_table.rowCount()):
            self.links_table.setRowHeight(row, max(self.links_table.rowHeight(row), default_height))
        _fit_height(self.links_table)
        seen = [o for o in LINKS_OUTCOME_ORDER if any(s.not_linked.get(o) for s in links.schools)]
        self.links_legend.setText(
            "<br>".join(f"<b>{SHORT_WORDS[o]}</b>: {PLAIN_WORDS[o]} — {WHO_ACTS[o]} must act." for o in seen)
        )
        self.links_chart.set_data(
            [s.school for s in links.schools],
            [
                (self.tr("linked"), [s.linked for s in links.schools]),
                (self.tr("not linked"), [s.not_linked_total for s in links.schools]),
            ],
        )
        self.export_button.setEnabled(True)

    def _choose_export(self) -> None:
        path, _ = QFileDialog.getSaveFileName(
            self, self.tr("Export the login-link check"), "login-links.csv", self.tr("CSV (*.csv)")
        )
        if path:
            self.export_links(Path(path))

    def export_links(self, path: Path) -> None:
        links, only = (self.run.links if self.run else None), self.only_problems.isChecked()
        if links is None:
            return

        def task(progress: ProgressCallback, cancel: CancelToken) -> Path:
            return write_links_csv(links, path, only_problems=only)

        self.run_task(
            task,
            lambda saved: self.export_note.setText(self.tr("Saved {path}").format(path=saved)),
            self.tr("Exporting…"),
        )

    # --- troubleshooting ----------------------------------------------------------------------------------
    def look_up(self) -> None:
        run, query = self.run, self.lookup_edit.text().strip()
        if run is None or not query:
            return
        today, signed = self.hub.today(), self.signed_in
        admin_token = self.hub.credentials.admin_token(signed.scope, run.district.id) if signed else None

        def task(progress: ProgressCallback, cancel: CancelToken) -> LoginDiagnosis:
            portal = None
            if admin_token:  # this computer onboarded the district: the portal preview can say more
                admin = OnboardingClient(run.hub_url, admin_token, sleep=self.hub.sleep)
                portal = functools.partial(admin.portal, run.district.id)
            return explain_login(
                run.snapshot,
                query,
                today=today,
                app=run.app_title,
                links=run.links,
                onboarding=run.onboarding,
                portal=portal,
            )

        self.run_task(task, self._explained, self.tr("Looking up {query}…").format(query=query))

    def _explained(self, diagnosis: LoginDiagnosis) -> None:
        self.verdict.setText(diagnosis.headline)
        self.candidates_list.clear()
        self.candidates_list.setVisible(bool(diagnosis.candidates))
        self.reasons_table.setVisible(not diagnosis.candidates)
        if not diagnosis.candidates:
            self.diagnoses.append(diagnosis)  # the report shows answered lookups only
        school_of = self.run.snapshot.school_name if self.run else (lambda school: school or "")
        for user in diagnosis.candidates:
            roles = ", ".join(user.roles) or "user"
            item = QListWidgetItem(
                f"{user.name} — {roles}, {school_of(user.school)}; SIS id {user.sis_id or '—'}; "
                f"{user.email or 'no email'}"
            )
            item.setData(Qt.ItemDataRole.UserRole, user.id)
            self.candidates_list.addItem(item)
        _fill(
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

    # --- report ---------------------------------------------------------------------------------------------
    def _choose_report(self) -> None:
        path, _ = QFileDialog.getSaveFileName(
            self, self.tr("Save the diagnostic report"), "diagnostic-report.html", self.tr("HTML (*.html)")
        )
        if path:
            self.save_report(Path(path))

    def save_report(self, path: Path) -> None:
        run, include, diagnoses = self.run, self.include_names.isChecked(), tuple(self.diagnoses)
        if run is None:
            return

        def task(progress: ProgressCallback, cancel: CancelToken) -> Path:
            return write_report(
                run, path, generated=dt.datetime.now(dt.UTC), include_names=include, diagnoses=diagnoses
            )

        self.run_task(
            task,
            lambda saved: self.report_note.setText(self.tr("Saved {path}").format(path=saved)),
            self.tr("Writing the report…"),
        )
