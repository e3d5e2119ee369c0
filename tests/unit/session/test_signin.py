"""One answer to 'is this district's token available', and what Start over keeps."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from wizard.credentials import memory_only_store, process_keyring_store
from wizard.session.context import WizardContext
from wizard.session.signin import NotSignedIn, TokenPlace, token_place, token_sentence
from wizard.state import OnboardingState, load_state


def test_where_the_token_is() -> None:
    keyring, memory = process_keyring_store(), memory_only_store()
    assert token_place(keyring, "hub", "d1") is TokenPlace.MISSING
    keyring.set_admin_token("hub", "d1", "t")
    memory.set_admin_token("hub", "d1", "t")
    assert token_place(keyring, "hub", "d1") is TokenPlace.KEYRING
    assert token_place(memory, "hub", "d1") is TokenPlace.THIS_SESSION
    assert token_place(memory, "hub", "") is TokenPlace.MISSING
    assert "keyring" in token_sentence(TokenPlace.KEYRING)
    assert "until the wizard closes" in token_sentence(TokenPlace.THIS_SESSION)
    assert "not on this computer" in token_sentence(TokenPlace.MISSING)


def test_a_missing_token_is_the_same_story_everywhere(tmp_path: Path) -> None:
    ctx = WizardContext(
        OnboardingState(hub_url="https://hub.example.org", district_id="d7"), credentials=memory_only_store()
    )
    assert ctx.token_place() is TokenPlace.MISSING
    with pytest.raises(NotSignedIn) as missing:
        ctx.district_hub()
    assert "d7" in missing.value.hint


def test_start_over_forgets_this_computer_only(tmp_path: Path) -> None:
    store: Any = process_keyring_store()
    state = OnboardingState(
        hub_url="https://hub.example.org", district_id="d7", current_page=3, history=[2, 3]
    )
    state.district_form.name = "Cedar Unified"
    ctx = WizardContext(state, credentials=store)
    store.set_admin_token(ctx.credential_scope(), "d7", "secret")
    ctx.start_over()
    saved = load_state()
    assert saved is not None and not saved.district_id and not saved.history and not saved.district_form.name
    assert saved.hub_url == "https://hub.example.org"  # the hub choice stays
    assert store.admin_token("https://hub.example.org", "d7") == "secret"  # signing in again still works
