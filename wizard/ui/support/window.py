"""The support view: sign in with an app's client credentials, pick a connected district, and check it.

The window holds the sign-in, the districts and the one place hub work is started (the Worker class, with
progress and Cancel); each tab is its own module. The checks are the Qt-free functions of `wizard.support`,
the same ones `python main.py support` runs.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtGui import QCloseEvent
from PySide6.QtWidgets import (
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMainWindow,
    QPushButton,
    QSplitter,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from wizard.credentials import CredentialStore
from wizard.errors import UserFacingError
from wizard.hub.dataapi import DataApiClient
from wizard.hub.errors import NotFound
from wizard.hub.onboarding import OnboardingClient, VendorClient
from wizard.hub.transport import checked_base_url
from wizard.session.data_browser import BrowserResult, search_as_admin
from wizard.session.folders import FolderMemory
from wizard.support.health import assess_health
from wizard.support.linkcheck import LinkCheck, StudentLink, read_vendor_roster
from wizard.support.onboarding_state import onboarding_state
from wizard.support.reading import ConnectedDistrict, connected_districts, read_district
from wizard.support.rehearsal import RehearsalOutcome, rehearse_checked_student
from wizard.support.report import report_key
from wizard.support.run import SupportRun
from wizard.tasks import CancelToken, ProgressCallback
from wizard.ui.support.health_tab import HealthTab
from wizard.ui.support.links_tab import LinksTab
from wizard.ui.support.report_tab import ReportTab
from wizard.ui.support.troubleshoot_tab import TroubleshootTab
from wizard.ui.support.widgets import Result, fill_table, make_table, short_time, wrapping_label
from wizard.ui.widgets.banner import BusyBar, ErrorBanner, describe_error
from wizard.ui.widgets.data_browser import DataBrowser
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


class SupportWindow(QMainWindow):
    def __init__(self, hub: SupportHub, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.hub = hub
        self.setObjectName("supportWindow")
        self.setWindowTitle(self.tr("Support view — District Onboarding Wizard"))
        self.resize(1280, 860)
        self._workers: set[Worker] = set()
        self.signed_in: SignedIn | None = None
        self._folders = FolderMemory()  # file dialogs: the folder used last, else Documents
        self._run: SupportRun | None = None

        central = QWidget()
        layout = QVBoxLayout(central)
        self.banner = ErrorBanner()
        layout.addWidget(self.banner)
        layout.addWidget(self._sign_in_box())
        splitter = QSplitter(Qt.Orientation.Horizontal)
        splitter.addWidget(self._districts_box())
        splitter.addWidget(self._tabs())
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
        self.keyring_note = wrapping_label()
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
        self.hub_edit.textChanged.connect(lambda _text: self._set_actions_enabled(not self.is_busy))
        self.client_id_edit.editingFinished.connect(self._fill_saved_secret)
        self.sign_in_button.clicked.connect(self.sign_in)
        self.secret_edit.returnPressed.connect(self.sign_in)
        self.demo_button.clicked.connect(self.try_demo)
        return box

    def _districts_box(self) -> QGroupBox:
        box = QGroupBox(self.tr("Connected districts"))
        layout = QVBoxLayout(box)
        self.districts_table = make_table(
            [self.tr("District"), self.tr("Sync"), self.tr("Last sync")], stretch=0
        )
        self.districts_table.setAccessibleName(self.tr("Connected districts"))
        self.districts_table.itemSelectionChanged.connect(lambda: self._set_actions_enabled(not self.is_busy))
        self.check_button = QPushButton(self.tr("&Check this district"))
        self.check_button.setEnabled(False)
        self.check_button.clicked.connect(self.check_district)
        layout.addWidget(self.districts_table, 1)
        layout.addWidget(self.check_button)
        return box

    def _rehearsal_tab(self) -> QWidget:
        self.rehearsal_tab = page = QWidget()
        layout = QVBoxLayout(page)
        layout.addWidget(
            wrapping_label(
                self.tr(
                    "Rehearse Instant Login before launch: the built-in hub's simulated vendor app runs the real "
                    "sign-in (authorize, code, token, /v3.0/me) at its registered redirect URI and looks the "
                    "student up by ExternalID."
                )
            )
        )
        self.links_tab.rehearsal.setTitle(self.tr("Sign in as this student"))
        layout.addWidget(self.links_tab.rehearsal)
        layout.addStretch(1)
        return page

    def _tabs(self) -> QTabWidget:
        self.health_tab = HealthTab(self)
        self.links_tab = LinksTab(self, self._linked)
        self.troubleshoot_tab = TroubleshootTab(self, self._admin_token, self.hub.today, self.hub.sleep)
        self.report_tab = ReportTab(
            self,
            lambda: self.troubleshoot_tab.diagnoses,
            lambda district_id: report_key(self.hub.credentials, district_id),
        )
        self.tabs = QTabWidget()
        self.tabs.addTab(self.health_tab, self.tr("&Health"))
        self.tabs.addTab(self.links_tab, self.tr("&Login links"))
        self.tabs.addTab(self._rehearsal_tab(), self.tr("Si&gn in as a student"))
        self.tabs.addTab(self.troubleshoot_tab, self.tr("&Troubleshoot a login"))
        self.tabs.addTab(self.report_tab, self.tr("Diagnostic &report"))
        self.data_browser = DataBrowser(
            lambda task, on_result, message, _on_error: self.run_task(task, on_result, message), self._browse
        )
        self.tabs.addTab(self.data_browser, self.tr("&Data browser"))
        self.tabs.setEnabled(False)
        return self.tabs

    def _browse(self, query: str) -> BrowserResult:
        """The data browser's look-up (in the Worker): the district's onboarding API, as its admin."""
        run, read_admin_token = self._run, self._admin_token()
        if run is None:
            raise UserFacingError("Check a district first.", "Choose a district on the left, then Check.")
        return search_as_admin(run.hub_url, run.district.id, read_admin_token(), query, self.hub.sleep)

    # --- what the tabs use ------------------------------------------------------------------------------
    @property
    def run(self) -> SupportRun | None:
        """The checked district: its snapshot, health, onboarding state and (once run) the link check."""
        return self._run

    @property
    def folders(self) -> FolderMemory:
        return self._folders

    def run_task(
        self,
        task: Callable[[ProgressCallback, CancelToken], Result],
        on_result: Callable[[Result], None],
        message: str,
    ) -> Worker:
        """Run hub work off the GUI thread with the progress bar and Cancel; errors go to the banner."""
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

    def show_problem(self, message: str, hint: str) -> None:
        self.banner.show_error(message, hint, None)

    def rehearse(self, link: StudentLink, roster_path: Path) -> RehearsalOutcome:
        """Sign a checked student in to the app through the built-in hub's simulated vendor app (blocking)."""
        signed, run = self.signed_in, self._run
        if signed is None or run is None:
            raise UserFacingError("Sign in and check a district first.", "")
        app_id = next((c.app_id for c in signed.vendor.connections() if c.district_id == run.district.id), "")
        try:
            return rehearse_checked_student(
                signed.vendor, run.district.id, app_id, link, read_vendor_roster(roster_path)
            )
        except NotFound:
            raise UserFacingError(
                "This hub has no simulated vendor app to rehearse Instant Login with.",
                "The rehearsal runs on the built-in demo hub; on a real hub, sign the student in through your app.",
            ) from None

    def show_error(self, error: object) -> None:
        self.show_problem(*describe_error(error))

    @property
    def is_busy(self) -> bool:
        return bool(self._workers)

    def cancel_tasks(self) -> None:
        for worker in list(self._workers):
            worker.cancel()

    def _finished(self, worker: Worker) -> None:
        self._workers.discard(worker)
        if not self._workers:
            self.busy.hide()
            self._set_actions_enabled(True)

    def _set_actions_enabled(self, enabled: bool) -> None:
        self.sign_in_button.setEnabled(enabled)
        self.demo_button.setEnabled(enabled and not self.hub_edit.text().strip())
        self.check_button.setEnabled(enabled and bool(self.districts_table.selectedItems()))
        for button in (
            self.health_tab.export_button,
            self.links_tab.check_button,
            self.troubleshoot_tab.lookup_button,
            self.report_tab.save_button,
            self.data_browser.look_up_button,
        ):
            button.setEnabled(enabled)
        self.links_tab.export_button.setEnabled(
            enabled and self._run is not None and self._run.links is not None
        )

    def closeEvent(self, event: QCloseEvent) -> None:
        self.cancel_tasks()
        self._close_clients()
        super().closeEvent(event)

    def _close_clients(self) -> None:
        if self.signed_in is not None:
            self.signed_in.client.close()
            self.signed_in.vendor.close()

    def _admin_token(self) -> Callable[[], str | None]:
        """A reader for the district's admin token, when this computer keeps it (it onboarded the district);
        bound here, called in the Worker."""
        if self.signed_in is None or self._run is None:
            return lambda: None
        credentials, scope, district_id = self.hub.credentials, self.signed_in.scope, self._run.district.id
        return lambda: credentials.admin_token(scope, district_id)

    # --- sign in and districts ----------------------------------------------------------------------------
    def _fill_saved_secret(self) -> None:
        typed, client_id = self.hub_edit.text().strip(), self.client_id_edit.text().strip()
        if not client_id or self.secret_edit.text():
            return
        try:
            scope = checked_base_url(typed) if typed else EMBEDDED_SCOPE
        except UserFacingError:
            return  # the address is shown as wrong when signing in
        credentials = self.hub.credentials

        def task(progress: ProgressCallback, cancel: CancelToken) -> str | None:
            return credentials.app_secret(scope, client_id)

        def found(saved: str | None) -> None:
            unchanged = (self.hub_edit.text().strip(), self.client_id_edit.text().strip()) == (
                typed,
                client_id,
            )
            if saved and unchanged and not self.secret_edit.text():
                self.secret_edit.setText(saved)
                self.keyring_note.setText(self.tr("Using the client secret saved in your keyring."))

        self.run_task(task, found, self.tr("Looking for a saved client secret…"))

    def try_demo(self) -> None:
        demo = self.hub.demo
        if demo is None:
            return

        def task(progress: ProgressCallback, cancel: CancelToken) -> DemoLogin:
            return demo()

        self.run_task(task, self._demo_ready, self.tr("Loading the demo district…"))

    def _demo_ready(self, login: DemoLogin) -> None:
        self.hub_edit.clear()
        self.client_id_edit.setText(login.client_id)
        self.secret_edit.setText(login.client_secret)
        self.links_tab.roster_edit.setText(str(login.roster_path))
        self.sign_in()

    def sign_in(self) -> None:
        client_id, secret = self.client_id_edit.text().strip(), self.secret_edit.text().strip()
        typed, sleep = self.hub_edit.text().strip(), self.hub.sleep
        if not client_id or not secret:
            self.show_problem(
                self.tr("Enter the app's client id and client secret."),
                self.tr("Both are on the app's page in the hub's developer dashboard."),
            )
            return

        credentials = self.hub.credentials

        def task(progress: ProgressCallback, cancel: CancelToken) -> SignedIn:
            base_url, scope = self.hub.resolve(typed)
            client = DataApiClient(base_url, client_id, secret, sleep=sleep)
            districts = connected_districts(client, progress, cancel, sleep=sleep)
            credentials.set_app_secret(scope, client_id, secret)  # accepted: keep it (may block, so here)
            return SignedIn(client, VendorClient(base_url, client_id, secret, sleep=sleep), scope, districts)

        self.run_task(task, self._signed_in, self.tr("Signing in…"))

    def _signed_in(self, signed: SignedIn) -> None:
        self._close_clients()
        self.signed_in = signed
        where = (
            self.tr("your keyring") if self.hub.credentials.persistent else self.tr("memory for this session")
        )
        self.keyring_note.setText(
            self.tr("Signed in to {url}; the secret is kept in {where}.").format(
                url=signed.client.base_url, where=where
            )
        )
        fill_table(
            self.districts_table,
            [[d.name, d.district.state or "—", short_time(d.district.last_sync)] for d in signed.districts],
        )
        if not signed.districts:
            self.show_problem(
                self.tr("No district has connected your app yet."),
                self.tr("A district must add and authorize the app, and you must accept it."),
            )
        elif len(signed.districts) == 1:
            self.districts_table.selectRow(0)
            self.check_district()

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
            with OnboardingClient(
                signed.client.base_url, sleep=sleep
            ) as catalog:  # the app catalog is public
                onboarding = onboarding_state(signed.vendor, district.id, catalog.app)
            snapshot = read_district(
                signed.client.for_district(district.token, cancel=cancel), progress, cancel, sleep=sleep
            )
            app = onboarding.connection.app_name if onboarding.connection else "the app"
            health = assess_health(snapshot, today)
            client = signed.client
            return SupportRun(
                client.base_url, client.client_id, app, district, snapshot, health, onboarding, None
            )

        self.run_task(task, self._checked, self.tr("Reading {name}…").format(name=district.name))

    def _checked(self, run: SupportRun) -> None:
        self._run = run
        self.tabs.setEnabled(True)
        self.health_tab.show_run(run)
        self.links_tab.show_links(None)
        self.troubleshoot_tab.clear()

    def _linked(self, links: LinkCheck) -> None:
        if self._run is None:
            return
        app = links.app_title if self._run.app_title == "the app" else self._run.app_title
        self._run = dataclasses.replace(self._run, links=links, app_title=app)
        self.links_tab.show_links(links)
