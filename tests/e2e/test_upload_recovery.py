"""Uploads after a crash and under load (issue 11, items 1 and 5): nothing stays "processing" after a
restart, copies live in the hub's own user-only folder (multipart bodies too), one upload per district is
processed at a time with the others queued, and a file too large for the hub or its disk is refused with a
413 that says what to do."""

from __future__ import annotations

import shutil
import stat
import tempfile
import time
from pathlib import Path

import pytest
from starlette import formparsers

from tests.hub_support import (
    FAST,
    SIGNUP_ADMIN,
    SIGNUP_DISTRICT,
    FakeClock,
    small_roster,
    write_roster,
)
from wizard.hub.errors import TooLarge
from wizard.hub.onboarding import OnboardingClient
from wizard.sandbox import uploads
from wizard.sandbox.db import Database
from wizard.sandbox.server import start_hub
from wizard.sandbox.settings import HubSettings
from wizard.sandbox.store import iso, new_id


def _stuck_upload(db_path: Path, district_id: str, files: dict[str, Path]) -> str:
    """An upload recorded as a crashed hub leaves it: queued or processing, maybe with its files. Written with
    the database alone: a hub started here would resume the earlier ones."""
    with Database(db_path).transaction() as conn:
        upload_id = new_id()
        uploads.insert_upload(conn, upload_id, district_id, iso(time.time()))
        uploads.store_spooled(conn, upload_id, files)
        if not files:
            conn.execute("UPDATE uploads SET file_names = ? WHERE id = ?", ('["students.csv"]', upload_id))
    return upload_id


def test_after_a_restart_no_upload_stays_processing(tmp_path: Path, clock: FakeClock) -> None:
    db_path, settings = tmp_path / "hub.sqlite3", HubSettings(vendor_delay=30.0, clock=clock)
    with start_hub(db_path, settings=settings) as hub:
        signed = OnboardingClient(hub.base_url, policy=FAST).signup(SIGNUP_DISTRICT, SIGNUP_ADMIN)
    district_id = signed.district.id
    files = {path.name: path for path in write_roster(tmp_path / "roster", small_roster())}
    with_files = _stuck_upload(db_path, district_id, files)
    without_files = _stuck_upload(db_path, district_id, {})
    with start_hub(db_path, settings=settings) as hub:
        client = OnboardingClient(hub.base_url, signed.admin_token, policy=FAST)
        resumed = client.wait_for_upload(district_id, with_files, timeout=60, interval=0.05)
        lost = client.upload(district_id, without_files)
    assert resumed.status == "succeeded"
    assert lost.status == "failed" and "stopped while processing" in lost.errors[0].message


def test_copies_of_uploads_stay_in_the_hubs_private_folder_and_are_cleaned_on_start(
    tmp_path: Path, hub_settings: HubSettings, monkeypatch: pytest.MonkeyPatch
) -> None:
    system_temp = tmp_path / "system-temp"
    system_temp.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(system_temp))
    db_path = tmp_path / "data" / "hub.sqlite3"
    work = db_path.with_name("hub-work")
    with start_hub(db_path, settings=hub_settings) as hub:
        client = OnboardingClient(hub.base_url, policy=FAST)
        district_id = client.signup(SIGNUP_DISTRICT, SIGNUP_ADMIN).district.id
        paths = write_roster(tmp_path / "roster", small_roster())
        upload = client.upload_roster(district_id, paths)
        assert client.wait_for_upload(district_id, upload.id, timeout=60, interval=0.05).status == "succeeded"
        assert stat.S_IMODE(work.stat().st_mode) == 0o700
    assert list(system_temp.iterdir()) == []  # nothing in the system's temporary folder, even meanwhile
    (work / "upload-left-by-a-crash").mkdir()
    (work / "upload-left-by-a-crash" / "students.csv").write_text("x")
    with start_hub(db_path, settings=hub_settings):
        assert list(work.iterdir()) == []


def test_one_upload_per_district_is_processed_at_a_time_the_others_are_queued(
    hub_settings: HubSettings, tmp_path: Path
) -> None:
    with start_hub(tmp_path / "queue.sqlite3", settings=hub_settings) as hub:
        hub_context = hub.context
        client = OnboardingClient(hub.base_url, policy=FAST)
        district_id = client.signup(SIGNUP_DISTRICT, SIGNUP_ADMIN).district.id
        paths = write_roster(tmp_path / "roster", small_roster())
        with uploads.district_lock(hub_context, district_id):  # another upload is being processed
            first = client.upload_roster(district_id, paths)
            second = client.upload_roster(district_id, paths)
            time.sleep(0.3)
            assert {client.upload(district_id, u.id).status for u in (first, second)} == {"queued"}
            assert not any(u.done for u in client.uploads(district_id))
        done = [client.wait_for_upload(district_id, u.id, timeout=60, interval=0.05) for u in (first, second)]
        assert [u.status for u in done] == ["succeeded", "succeeded"]


def test_a_file_larger_than_the_hub_accepts_is_refused_with_413(tmp_path: Path, clock: FakeClock) -> None:
    settings = HubSettings(vendor_delay=30.0, clock=clock, max_upload_bytes=2000)
    with start_hub(tmp_path / "hub.sqlite3", settings=settings) as hub:
        client = OnboardingClient(hub.base_url, policy=FAST)
        district_id = client.signup(SIGNUP_DISTRICT, SIGNUP_ADMIN).district.id
        paths = write_roster(tmp_path / "roster", small_roster())
        with pytest.raises(TooLarge) as refused:
            client.upload_roster(district_id, paths)
        assert "larger than the hub accepts in one file" in str(refused.value)
        assert client.uploads(district_id) == []
        assert list(uploads.work_folder(hub.context).iterdir()) == []  # the partial copy is gone


def test_an_upload_the_hubs_disk_cannot_hold_is_refused_with_413(
    tmp_path: Path, hub_settings: HubSettings, monkeypatch: pytest.MonkeyPatch
) -> None:
    with start_hub(tmp_path / "hub.sqlite3", settings=hub_settings) as hub:
        client = OnboardingClient(hub.base_url, policy=FAST)
        district_id = client.signup(SIGNUP_DISTRICT, SIGNUP_ADMIN).district.id
        paths = write_roster(tmp_path / "roster", small_roster())
        usage = shutil.disk_usage(tmp_path)._replace(free=1000)
        monkeypatch.setattr(uploads.shutil, "disk_usage", lambda _: usage)
        with pytest.raises(TooLarge) as refused:
            client.upload_roster(district_id, paths)
        assert "disk has 0 MB free" in str(refused.value) and "Free space" in str(refused.value)
        assert client.uploads(district_id) == []


def test_multipart_files_never_spool_to_the_system_temporary_folder(
    tmp_path: Path, hub_settings: HubSettings, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Starlette spools a part over 1 MB to a file in the system's temporary folder; the hub writes each part
    straight into its own folder instead."""
    rolled: list[int] = []

    class Watched(tempfile.SpooledTemporaryFile):  # type: ignore[type-arg]
        def rollover(self) -> None:
            rolled.append(1)
            super().rollover()

    monkeypatch.setattr(formparsers, "SpooledTemporaryFile", Watched)
    tables = small_roster()
    filler = tables["students"][0]
    tables["students"] += [{**filler, "Student_id": f"F{n:06d}", "Student_email": ""} for n in range(40_000)]
    paths = write_roster(tmp_path / "roster", tables)
    assert (tmp_path / "roster" / "students.csv").stat().st_size > 2 * 1024 * 1024
    with start_hub(tmp_path / "hub.sqlite3", settings=hub_settings) as hub:
        client = OnboardingClient(hub.base_url, policy=FAST)
        district_id = client.signup(SIGNUP_DISTRICT, SIGNUP_ADMIN).district.id
        upload = client.upload_roster(district_id, paths)
        done = client.wait_for_upload(district_id, upload.id, timeout=120, interval=0.1)
        assert done.status == "succeeded", done.errors[:3]
        assert done.counts["students"] == len(tables["students"])
        deadline = time.monotonic() + 10  # the work copy goes right after the outcome is recorded
        while list(uploads.work_folder(hub.context).iterdir()) and time.monotonic() < deadline:
            time.sleep(0.05)
        assert list(uploads.work_folder(hub.context).iterdir()) == []
    assert rolled == []
