"""The support view against the demo hub over HTTP: sign in, health, login links, troubleshoot, report."""

from __future__ import annotations

import csv
import datetime as dt
import random
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from tests.unit.support.conftest import Demo, demo
from tests.unit.test_credentials import MemoryKeyring
from wizard.credentials import CredentialStore
from wizard.hub.dataapi import DataApiClient
from wizard.sandbox.seed import demo_tables
from wizard.sandbox.settings import FaultRule
from wizard.tasks import CancelToken
from wizard.ui.support.window import EMBEDDED_SCOPE, SupportHub, SupportWindow

__all__ = ["demo"]
TODAY = dt.date(2026, 11, 2)


class ThreadRecordingKeyring(MemoryKeyring):
    """Records keyring calls made on the GUI thread (a Secret Service may block there asking to unlock)."""

    def __init__(self) -> None:
        super().__init__()
        self.on_gui_thread: list[str] = []

    def _note(self, what: str) -> None:
        if threading.current_thread() is threading.main_thread():
            self.on_gui_thread.append(what)

    def get_password(self, service: str, username: str) -> str | None:
        self._note(f"get {service}")
        return super().get_password(service, username)

    def set_password(self, service: str, username: str, password: str) -> None:
        self._note(f"set {service}")
        super().set_password(service, username, password)


@pytest.fixture
def keyring_backend() -> ThreadRecordingKeyring:
    return ThreadRecordingKeyring()


@pytest.fixture
def store(keyring_backend: ThreadRecordingKeyring) -> CredentialStore:
    return CredentialStore(keyring_backend)


@pytest.fixture
def window(qtbot: QtBot, demo: Demo, store: CredentialStore) -> Iterator[SupportWindow]:
    hub = SupportHub(lambda: demo.hub.base_url, store, today=lambda: TODAY, sleep=demo.clock.sleep)
    view = SupportWindow(hub)
    qtbot.addWidget(view)
    view.show()
    yield view
    view.close()


def wait_idle(qtbot: QtBot, view: SupportWindow) -> None:
    qtbot.waitUntil(lambda: not view.is_busy, timeout=15_000)


def sign_in(qtbot: QtBot, view: SupportWindow, demo: Demo, secret: str | None = None) -> None:
    view.client_id_edit.setText(demo.symphony.client_id)
    view.secret_edit.setText(secret or demo.symphony.client_secret)
    view.sign_in_button.click()
    wait_idle(qtbot, view)


def test_sign_in_opens_the_only_district_with_its_health(
    qtbot: QtBot, window: SupportWindow, demo: Demo, store: CredentialStore, tmp_path: Path
) -> None:
    sign_in(qtbot, window, demo)  # the only district is checked at once
    wait_idle(qtbot, window)
    assert window.districts_table.rowCount() == 1
    assert window.districts_table.item(0, 0).text() == "Maple Valley Unified School District"
    assert window.districts_table.item(0, 1).text() == "success"
    assert window.tabs.isEnabled() and window.run is not None
    assert (
        "180 students" in window.health_tab.summary.text()
        and "Symphony Math" in window.health_tab.summary.text()
    )
    schools = {
        window.health_tab.counts_table.item(r, 0).text(): window.health_tab.counts_table.item(r, 3).text()
        for r in range(3)
    }
    assert schools == {"Cedar Middle": "36", "Maple Valley Elementary": "72", "Oak Ridge Elementary": "72"}
    assert window.health_tab.counts_chart.values() == [("students", [36, 72, 72])]
    warnings = {
        window.health_tab.findings_table.item(r, 0).text()
        for r in range(window.health_tab.findings_table.rowCount())
    }
    assert "Teachers without email" in warnings
    window.health_tab.export_warnings(tmp_path / "warnings.csv")
    wait_idle(qtbot, window)
    with (tmp_path / "warnings.csv").open(encoding="utf-8", newline="") as handle:
        no_email = [r for r in csv.DictReader(handle) if r["warning"] == "teachers_without_email"]
    assert [(r["sis_id"], r["school"]) for r in no_email] == [("T20101", "Cedar Middle")]
    assert store.app_secret(EMBEDDED_SCOPE, demo.symphony.client_id) == demo.symphony.client_secret


def test_saved_secret_is_offered_and_a_wrong_one_is_explained(
    qtbot: QtBot, window: SupportWindow, demo: Demo, store: CredentialStore
) -> None:
    assert not window.banner.isVisible()
    sign_in(qtbot, window, demo, secret="wrong")
    assert window.banner.isVisible()  # the window is shown, so the banner is on screen
    assert "client id or secret is wrong" in window.banner.message.text()
    assert window.districts_table.rowCount() == 0 and not window.tabs.isEnabled()
    store.set_app_secret(EMBEDDED_SCOPE, demo.symphony.client_id, demo.symphony.client_secret)
    window.secret_edit.clear()
    window.client_id_edit.setText(demo.symphony.client_id)
    window.client_id_edit.editingFinished.emit()
    qtbot.waitUntil(lambda: window.secret_edit.text() == demo.symphony.client_secret)
    store.set_app_secret(demo.hub.base_url, demo.symphony.client_id, "saved-for-the-typed-hub")
    window.hub_edit.setText(demo.hub.base_url + "/")
    window.secret_edit.clear()
    window.client_id_edit.editingFinished.emit()
    qtbot.waitUntil(
        lambda: window.secret_edit.text() == "saved-for-the-typed-hub"
    )  # the same keyring entry as the CLI's


def test_sign_in_as_a_checked_student_rehearses_instant_login(
    qtbot: QtBot, window: SupportWindow, demo: Demo
) -> None:
    sign_in(qtbot, window, demo)
    tab = window.links_tab
    window.tabs.setCurrentWidget(window.rehearsal_tab)
    assert tab.rehearsal.roster_note.text().startswith("Run the login-link check first")
    tab.rehearsal.search.setText("010176")
    assert not tab.rehearsal.sign_in_button.isEnabled()  # no roster yet
    tab.roster_edit.setText(str(demo.roster_path))
    tab.check_button.click()
    wait_idle(qtbot, window)
    run = window.run
    assert run is not None and run.links is not None
    assert demo.roster_path.name in tab.rehearsal.roster_note.text()
    assert tab.rehearsal.sign_in_button.isEnabled()
    assert not tab.rehearsal.roster_button.isVisibleTo(window)  # the roster is the one the check read
    linked = next(link for link in run.links.students if link.linked)
    unlinked = next(link for link in run.links.students if not link.linked and link.student.sis_id)

    for link in (linked, unlinked):
        tab.rehearsal.search.setText(link.student.sis_id or "")
        tab.rehearsal.sign_in_button.click()
        wait_idle(qtbot, window)
        text = tab.rehearsal.outcome.text()
        if link.linked:
            assert link.account is not None
            assert f"Signed in to account {link.account.username} (progress kept)." in text
        else:
            from wizard.support.linkcheck import PLAIN_WORDS

            assert text.startswith(f"✗ {link.student.name}: No account links this student: ")
            assert PLAIN_WORDS[link.outcome] in text  # the link check's words
            assert "What to do:" in text


def test_login_links_export_troubleshoot_and_report(
    qtbot: QtBot, window: SupportWindow, demo: Demo, tmp_path: Path
) -> None:
    sign_in(qtbot, window, demo)
    wait_idle(qtbot, window)
    window.links_tab.roster_edit.setText(str(demo.roster_path))
    window.links_tab.check_button.click()
    wait_idle(qtbot, window)
    assert "24 students at Cedar Middle will not be linked" in window.links_tab.summary.text()
    assert window.links_tab.chart.values()[1] == ("not linked", [24, 0, 0])
    window.links_tab.export_links(tmp_path / "not-linked.csv")
    wait_idle(qtbot, window)
    with (tmp_path / "not-linked.csv").open(encoding="utf-8", newline="") as handle:
        assert sum(1 for row in csv.DictReader(handle) if row["school"] == "Cedar Middle") == 25

    window.troubleshoot_tab.lookup_edit.setText("T20101")
    window.troubleshoot_tab.lookup_button.click()
    wait_idle(qtbot, window)
    assert "will not get into their Symphony Math account" in window.troubleshoot_tab.verdict.text()
    assert window.troubleshoot_tab.reasons_table.item(0, 0).text() == "district"

    window.report_tab.save_report(tmp_path / "report.html")
    wait_idle(qtbot, window)
    html = (tmp_path / "report.html").read_text(encoding="utf-8")
    assert "Login-link check" in html and "T20101" not in html
    assert "Saved" in window.report_tab.note.text()


def test_cancel_stops_the_district_read(qtbot: QtBot, window: SupportWindow, demo: Demo) -> None:
    sign_in(qtbot, window, demo)
    wait_idle(qtbot, window)
    first = window.run
    demo.hub.set_faults([FaultRule("/v3.1/sections", latency=0.5)])
    try:
        window.check_district()
        qtbot.waitUntil(lambda: "sections" in window.busy.label.text(), timeout=10_000)
        window.busy.cancel_button.click()
        wait_idle(qtbot, window)
    finally:
        demo.hub.set_faults([])
    assert window.run is first  # the cancelled read delivered nothing
    assert window.banner.isHidden() and window.busy.isHidden()  # and cancelling is not an error


def test_the_district_read_hands_its_cancel_token_to_the_data_api(
    qtbot: QtBot, window: SupportWindow, demo: Demo, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Cancel also stops a wait for the next rate-limit window: the read's token reaches `for_district`."""
    sign_in(qtbot, window, demo)
    wait_idle(qtbot, window)
    handed: list[CancelToken | None] = []
    original = DataApiClient.for_district

    def recording(client: DataApiClient, token: Any, **kwargs: Any) -> Any:
        handed.append(kwargs.get("cancel"))
        return original(client, token, **kwargs)

    monkeypatch.setattr(DataApiClient, "for_district", recording)
    window.check_district()
    wait_idle(qtbot, window)
    assert handed and all(isinstance(token, CancelToken) for token in handed)


def test_lookup_uses_the_portal_preview_when_the_admin_token_is_here(
    qtbot: QtBot, window: SupportWindow, demo: Demo, store: CredentialStore
) -> None:
    store.set_admin_token(EMBEDDED_SCOPE, demo.seed.district_id, demo.seed.admin_token)
    lakeside = next(s for s in demo_tables(random.Random(2026))["students"] if s["School_id"] == "301")
    sign_in(qtbot, window, demo)
    wait_idle(qtbot, window)
    window.troubleshoot_tab.lookup_edit.setText(lakeside["Student_id"])
    window.troubleshoot_tab.lookup_button.click()
    wait_idle(qtbot, window)
    assert (
        window.troubleshoot_tab.verdict.text()
        == f"{lakeside['First_name']} {lakeside['Last_name']} will not see Symphony Math."
    )
    assert (
        "sharing setting does not include this user"
        in window.troubleshoot_tab.reasons_table.item(0, 2).text()
    )


def test_an_unreadable_roster_is_explained_inline(
    qtbot: QtBot, window: SupportWindow, demo: Demo, tmp_path: Path
) -> None:
    sign_in(qtbot, window, demo)
    wait_idle(qtbot, window)
    window.links_tab.roster_edit.setText(str(tmp_path / "missing.csv"))
    window.links_tab.check_button.click()
    wait_idle(qtbot, window)
    assert "missing.csv: file not found" in window.banner.message.text()
    assert (
        window.links_tab.summary.text() == "Not checked yet."
        and not window.links_tab.export_button.isEnabled()
    )


def test_several_matches_are_listed_and_one_can_be_picked(
    qtbot: QtBot, window: SupportWindow, demo: Demo
) -> None:
    sign_in(qtbot, window, demo)
    wait_idle(qtbot, window)
    window.troubleshoot_tab.lookup_edit.setText("Garcia")
    window.troubleshoot_tab.lookup_button.click()
    wait_idle(qtbot, window)
    assert (
        "match 'Garcia'" in window.troubleshoot_tab.verdict.text()
        and window.troubleshoot_tab.candidates_list.count() > 1
    )
    assert window.troubleshoot_tab.diagnoses == []
    chosen = window.troubleshoot_tab.candidates_list.item(0)
    hub_id = chosen.data(Qt.ItemDataRole.UserRole)
    window.troubleshoot_tab.candidates_list.itemActivated.emit(chosen)
    wait_idle(qtbot, window)
    assert window.troubleshoot_tab.lookup_edit.text() == hub_id
    assert window.troubleshoot_tab.candidates_list.isHidden() and len(window.troubleshoot_tab.diagnoses) == 1
    assert (
        window.troubleshoot_tab.diagnoses[0].user is not None
        and "Garcia" in window.troubleshoot_tab.verdict.text()
    )


def test_the_keyring_is_never_read_or_written_on_the_gui_thread(
    qtbot: QtBot,
    window: SupportWindow,
    demo: Demo,
    store: CredentialStore,
    keyring_backend: ThreadRecordingKeyring,
) -> None:
    store.set_admin_token(
        EMBEDDED_SCOPE, demo.seed.district_id, demo.seed.admin_token
    )  # the test's own setup
    keyring_backend.on_gui_thread.clear()
    sign_in(qtbot, window, demo)  # writes the secret
    wait_idle(qtbot, window)
    window.troubleshoot_tab.lookup_edit.setText("T20101")
    window.troubleshoot_tab.lookup_button.click()  # reads the district's admin token
    wait_idle(qtbot, window)
    assert "Symphony Math" in window.troubleshoot_tab.verdict.text()
    window.secret_edit.clear()
    window.client_id_edit.editingFinished.emit()  # reads the saved secret
    qtbot.waitUntil(lambda: window.secret_edit.text() == demo.symphony.client_secret)
    assert keyring_backend.on_gui_thread == []


def test_file_dialogs_open_in_documents_then_in_the_folder_used_last(
    window: SupportWindow, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Issue 16: never the program's own folder (the working directory a bare file name falls back to)."""
    from PySide6.QtWidgets import QFileDialog

    from wizard.session.folders import documents_folder
    from wizard.ui.support import health_tab, links_tab, report_tab

    opened: list[str] = []
    chosen = tmp_path / "exports" / "symphony.csv"
    chosen.parent.mkdir()
    chosen.write_text("Username\n", encoding="utf-8")

    def cancel(parent: object, title: str, start: str, file_filter: str) -> tuple[str, str]:
        opened.append(start)
        return "", ""

    def pick(parent: object, title: str, start: str, file_filter: str) -> tuple[str, str]:
        opened.append(start)
        return str(chosen), ""

    monkeypatch.setattr(QFileDialog, "getSaveFileName", cancel)
    monkeypatch.setattr(QFileDialog, "getOpenFileName", pick)
    window.report_tab._choose()
    window.links_tab._browse()
    window.health_tab._choose_export()
    window.links_tab._choose_export()
    assert opened == [
        str(documents_folder() / report_tab.REPORT_FILE),
        str(documents_folder()),
        str(chosen.parent / health_tab.WARNINGS_FILE),
        str(chosen.parent / links_tab.LINKS_FILE),
    ]


def test_the_data_browser_tab_says_why_a_student_is_or_is_not_shared(
    qtbot: QtBot, window: SupportWindow, demo: Demo, store: CredentialStore
) -> None:
    """The same onboarding API look-up as Validate's, with the district admin's sign-in when this computer
    keeps it; without it, the tab says why it cannot look."""
    from wizard.ui.widgets.data_browser import SHARED, WHY

    students = demo_tables(random.Random(2026))["students"]
    lakeside = next(s for s in students if s["School_id"] == "301")
    sign_in(qtbot, window, demo)
    wait_idle(qtbot, window)
    browser = window.data_browser
    window.tabs.setCurrentWidget(browser)
    browser.query.setText(lakeside["Student_id"])
    browser.look_up_button.click()
    wait_idle(qtbot, window)
    assert browser.result is None and "does not keep it" in window.banner.message.text()

    store.set_admin_token(EMBEDDED_SCOPE, demo.seed.district_id, demo.seed.admin_token)
    browser.look_up_button.click()
    wait_idle(qtbot, window)
    assert browser.result is not None and browser.result.people == 1
    symphony = next(row for row in browser.result.rows if row.app == "Symphony Math")
    assert not symphony.shared and "Lakeside High" in symphony.reason
    number = browser.result.rows.index(symphony)
    assert browser.table.item(number, SHARED).text() == "✗ Not shared"  # type: ignore[union-attr]
    assert browser.table.item(number, WHY).text() == symphony.reason  # type: ignore[union-attr]
