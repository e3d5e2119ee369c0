from __future__ import annotations

import json
from pathlib import Path

import pytest

from wizard.errors import UserFacingError
from wizard.state import (
    SCHEMA_VERSION,
    Mode,
    OnboardingState,
    SharingRule,
    StateUnreadable,
    data_dir,
    from_json,
    load_state,
    save_state,
    state_path,
    to_json,
)


def _filled_state() -> OnboardingState:
    state = OnboardingState(mode=Mode.ONLINE, hub_url="https://hub.example.org", current_page=7)
    state.district_form.name = "Cedar Unified"
    state.district_form.nces_id = "0601234"
    state.district_id = "d_123"
    state.app.app_id = "symphony-math"
    state.app.uses_secure_sync = False
    state.sharing.sharing_type = "rules"
    state.sharing.rules.append(SharingRule("students", "grade", "is", "5"))
    state.mark_completed(2)
    state.mark_completed(2)
    return state


def test_round_trip_keeps_every_field() -> None:
    state = _filled_state()
    restored = from_json(to_json(state))
    assert restored == state
    assert restored.mode is Mode.ONLINE
    assert restored.sharing.rules == [SharingRule("students", "grade", "is", "5")]
    assert restored.completed_pages == [2]


def test_data_dir_follows_the_environment(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("WIZARD_DATA_DIR", str(tmp_path / "x"))
    assert data_dir() == tmp_path / "x"
    assert state_path().parent == tmp_path / "x"


def test_save_then_load_from_the_data_dir() -> None:
    state = _filled_state()
    written = save_state(state)
    assert written == state_path()
    assert load_state() == state
    assert not [p for p in written.parent.iterdir() if p.name.endswith(".tmp")]


def test_no_saved_state_is_none() -> None:
    assert load_state() is None


def test_save_is_atomic_when_writing_fails(monkeypatch: pytest.MonkeyPatch) -> None:
    first = _filled_state()
    save_state(first)
    second = _filled_state()
    second.district_form.name = "Changed"

    def broken_fsync(_fd: int) -> None:
        raise OSError("disk full")

    monkeypatch.setattr("wizard.state.os.fsync", broken_fsync)
    with pytest.raises(OSError):
        save_state(second)
    assert load_state() == first
    assert [p.name for p in state_path().parent.iterdir()] == [state_path().name]


def test_secrets_are_refused() -> None:
    payload = json.loads(to_json(OnboardingState()))
    assert not any("token" in key for key in payload)
    state = OnboardingState()
    state.sharing.rules.append(SharingRule())
    # A field named like a secret is refused even when nested.
    with pytest.raises(ValueError, match="secret"):
        from wizard.state import _refuse_secret_keys

        _refuse_secret_keys({"app": {"client_secret": "x"}})


def test_unknown_keys_are_ignored_and_missing_ones_defaulted() -> None:
    restored = from_json(json.dumps({"schema_version": 1, "mode": "offline", "future_field": 3}))
    assert restored.mode is Mode.OFFLINE
    assert restored.district_form.name == ""


def test_newer_schema_is_refused_with_a_message() -> None:
    with pytest.raises(UserFacingError, match="newer version"):
        from_json(json.dumps({"schema_version": SCHEMA_VERSION + 1}))


@pytest.mark.expected_warning_log(r"saved state unreadable")
def test_damaged_file_is_set_aside() -> None:
    path = state_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("{not json", encoding="utf-8")
    with pytest.raises(StateUnreadable, match="could not be read"):
        load_state()
    assert not path.exists()
    assert path.with_suffix(".damaged.json").exists()
    assert load_state() is None


def test_bad_field_type_is_unreadable() -> None:
    with pytest.raises(StateUnreadable):
        from_json(json.dumps({"schema_version": 1, "mode": "sideways"}))


def test_the_sftp_account_round_trips_without_any_secret(tmp_path: Path) -> None:
    from wizard.state import SftpAccount, SftpAuth

    state = OnboardingState()
    state.sftp = SftpAccount(
        username="district-ab12", host="sftp.clever.com", auth=SftpAuth.KEY, key_path="/k"
    )
    restored = from_json(to_json(state))
    assert restored.sftp == state.sftp and restored.sftp.auth is SftpAuth.KEY
    assert "password" not in to_json(state).replace('"auth": "key"', "")
