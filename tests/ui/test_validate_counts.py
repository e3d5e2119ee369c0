"""The Validate page's counts: the SIS files' full counts, the rows left out for errors, never a false ✓."""

from __future__ import annotations

import json
from pathlib import Path

from pytestqt.qtbot import QtBot

from tests.ui.walk import context
from wizard.credentials import process_keyring_store
from wizard.hub.models import CountPair, Upload, Validation
from wizard.session.context import SisCount, WizardContext
from wizard.session.prepare import received_summary
from wizard.state import OnboardingState
from wizard.ui.pages.validate import COUNTED_KINDS, HUB_COLUMN, LEFT_OUT_COLUMN, SIS_COLUMN, ValidatePage


def _export_summary(folder: Path, kept: dict[str, int], with_errors: dict[str, int]) -> None:
    """summary.json as write_outputs leaves it after “Leave out rows with errors”."""
    folder.mkdir(parents=True, exist_ok=True)
    summary = {
        "counts": {f"{kind}.csv": count for kind, count in kept.items()},
        "rows_with_errors": {f"{kind}.csv": with_errors.get(kind, 0) for kind in kept},
        "upload_files_written": True,
    }
    (folder / "summary.json").write_text(json.dumps(summary), encoding="utf-8")


def _validation(hub: dict[str, int]) -> Validation:
    return Validation(
        sync_method="sftp",
        sync_state="success",
        last_success=None,
        sync_on_schedule=True,
        app_status="connected",
        sharing_type="schools",
        sharing_status="set",
        counts={kind: CountPair(count, count) for kind, count in hub.items()},
        warnings=(),
    )


def _upload(counts: dict[str, int]) -> Upload:
    return Upload("u1", "succeeded", "", None, counts, (), (), {}, 0.0, None)


KEPT = {"schools": 3, "teachers": 10, "sections": 20, "students": 55, "enrollments": 200}


def _page(qtbot: QtBot, tmp_path: Path) -> tuple[ValidatePage, WizardContext]:
    state = OnboardingState()
    state.roster.export_dir = str(tmp_path / "export")
    ctx = context(state, credentials=process_keyring_store())
    page = ValidatePage(ctx)
    qtbot.addWidget(page)
    return page, ctx


def test_rows_left_out_show_as_such_and_never_as_a_green_tick(qtbot: QtBot, tmp_path: Path) -> None:
    page, ctx = _page(qtbot, tmp_path)
    _export_summary(tmp_path / "export", KEPT, {"students": 2, "enrollments": 1})
    sis = ctx.sis_file_counts()
    assert sis is not None and sis["students"] == SisCount(read=57, left_out=2)
    hub = {kind: count for kind, count in KEPT.items() if kind != "enrollments"}
    page._fill_counts(_validation(hub), sis, _upload(KEPT))

    students, enrollments = COUNTED_KINDS.index("students"), COUNTED_KINDS.index("enrollments")
    assert page.counts.item(students, SIS_COLUMN).text() == "57"  # everything read, not what was kept
    assert page.counts.item(students, LEFT_OUT_COLUMN).text() == "2"
    assert page.counts.item(students, HUB_COLUMN).text() == "55"
    assert page.counts.item(enrollments, SIS_COLUMN).text() == "201"
    assert page.counts.item(enrollments, HUB_COLUMN).text() == "200"  # from the accepted upload
    note = page.mismatch_note.text()
    assert "✓" not in note and "exactly" not in note
    assert "2 students" in note and "1 enrollment," not in note and "1 enrollment" in note
    assert page.mismatch_note.objectName() == "warnNote"


def test_everything_sent_and_held_is_a_green_tick(qtbot: QtBot, tmp_path: Path) -> None:
    page, ctx = _page(qtbot, tmp_path)
    _export_summary(tmp_path / "export", KEPT, {})
    page._fill_counts(_validation(KEPT), ctx.sis_file_counts(), None)
    assert page.mismatch_note.text() == "✓ The hub holds exactly what your SIS files hold."
    assert page.mismatch_note.objectName() == "okNote"


def test_a_hub_short_of_what_was_sent_is_a_mismatch(qtbot: QtBot, tmp_path: Path) -> None:
    page, ctx = _page(qtbot, tmp_path)
    _export_summary(tmp_path / "export", KEPT, {})
    page._fill_counts(_validation({**KEPT, "students": 50}), ctx.sis_file_counts(), None)
    assert "students: 55 sent from your files but 50 on the hub" in page.mismatch_note.text()


def test_the_upload_banner_counts_enrollments() -> None:
    assert received_summary(_upload({"students": 57, "enrollments": 240, "schools": 4})) == (
        "4 schools, 57 students, 240 enrollments"
    )
