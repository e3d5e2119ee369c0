"""The journey as admins really take it, as a state machine over the session controllers and a real hub.

Random sequences of: typing the sign-up form, Next, Back, closing the wizard and resuming (with or without a
usable keyring), restarting the hub, Start over, and registering the same district again. After every step:

- never two districts for one NCES id on the hub;
- a resume lands where the admin stopped, with the Back path intact;
- no two answers about the sign-in: where the token is (token_place) and whether the hub can be reached as
  the district agree;
- nothing the admin entered is lost (the form, the choices, the chosen files), short of Start over.

25 sequences (SEQUENCES) of at most 12 steps (STEPS) run in CI; each step talks to a real hub over HTTP.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import keyring.backend
import pytest
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    initialize,
    invariant,
    precondition,
    rule,
    run_state_machine_as_test,
)

from wizard.credentials import CredentialStore, memory_only_store
from wizard.flow import PageId, next_page, resume_page
from wizard.hub import errors as hub_errors
from wizard.sandbox.server import start_hub
from wizard.sandbox.settings import HubSettings
from wizard.session.context import WizardContext
from wizard.session.journey import record_visit, resume_path
from wizard.session.signin import AlreadyRegistered, NotSignedIn, TokenPlace
from wizard.state import DistrictForm, load_state

SEQUENCES = 25
STEPS = 12

FORMS = [
    DistrictForm("Maple Valley Unified", "CA", "0601234", "PowerSchool", "Dana Whitfield", "dana@mv.org", "5552014400"),
    DistrictForm("Cedar Unified", "CA", "0601235", "Skyward", "Ana Ruiz", "ana@cedar.org", "5552014401"),
]  # fmt: skip
PROVIDERS = ["google", "microsoft", "clever_passwords"]
METHODS = ["sftp", "clever_managed", "sis_managed"]


class DictKeyring(keyring.backend.KeyringBackend):
    """A usable keyring that lives as long as the test: what a real one keeps across runs."""

    priority = 1

    def __init__(self) -> None:
        super().__init__()
        self.secrets: dict[tuple[str, str], str] = {}

    def get_password(self, service: str, username: str) -> str | None:
        return self.secrets.get((service, username))

    def set_password(self, service: str, username: str, password: str) -> None:
        self.secrets[(service, username)] = password

    def delete_password(self, service: str, username: str) -> None:
        self.secrets.pop((service, username), None)


@dataclass
class Admin:
    """What the admin typed and knows, to compare with what the wizard kept."""

    form: DistrictForm = field(default_factory=DistrictForm)
    provider: str = ""
    method: str = ""
    inputs: list[str] = field(default_factory=list)
    tokens: dict[str, str] = field(default_factory=dict)  # district id -> token (shown once or remembered)


class Journey(RuleBasedStateMachine):
    folders: pytest.TempPathFactory

    def __init__(self) -> None:
        super().__init__()
        self.folder = Path(self.folders.mktemp("journey"))
        self.db = self.folder / "hub.sqlite3"
        self.hub: Any = start_hub(self.db, settings=HubSettings(vendor_delay=0.0, random_seed=1))
        self.keyring = DictKeyring()
        self.keyring_present = True
        self.admin = Admin()
        self.page = PageId.WELCOME
        self.ctx = self._open()

    # --- the wizard's runs -------------------------------------------------------------------------------
    def _store(self) -> CredentialStore:
        return CredentialStore(self.keyring) if self.keyring_present else memory_only_store()

    def _open(self) -> WizardContext:
        state = load_state()
        return WizardContext(state, embedded_hub=self.hub, credentials=self._store())

    def _close(self) -> None:
        self.ctx.save()
        self.ctx.close()

    def _go(self, page: PageId) -> None:
        self.page = page
        record_visit(self.ctx.state, page)
        self.ctx.save()

    def _resume(self) -> None:
        """A new run: Welcome, then Resume if offered, walking the saved Back path."""
        state = self.ctx.state
        stopped_at, path_before = PageId(state.current_page), list(state.history)
        path = resume_path(state)
        self.page = PageId.WELCOME
        if not path:
            assert resume_page(state) is None
            return
        assert path[-1] is stopped_at, "the resume lands where the admin stopped"
        if path_before and path_before[-1] == int(stopped_at):
            assert [int(page) for page in path] == path_before, "the Back path is kept"
        for page in path:
            self.page = page
        self._go(path[-1])

    def teardown(self) -> None:
        self.ctx.close()
        self.hub.stop()

    # --- rules ---------------------------------------------------------------------------------------------
    @initialize()
    def fresh_data_folder(self) -> None:
        self.ctx.start_over()  # each sequence starts with nothing saved
        self.ctx.has_saved_state = False

    @precondition(lambda self: self.page is PageId.WELCOME)
    @rule()
    def choose_connect_online(self) -> None:
        self.ctx.resume_requested = False
        following = next_page(self.ctx.state, PageId.WELCOME)
        assert following is PageId.SIGN_UP
        self._go(following)

    @precondition(lambda self: self.page is PageId.SIGN_UP and not self.ctx.state.signed_up)
    @rule(form=st.sampled_from(FORMS))
    def type_the_form(self, form: DistrictForm) -> None:
        self.ctx.state.district_form = form
        self.ctx.save()  # as the page does after each keystroke
        self.admin.form = form

    @precondition(lambda self: self.page is PageId.SIGN_UP and not self.ctx.state.signed_up)
    @rule(form=st.sampled_from(FORMS))
    def fill_in_and_next(self, form: DistrictForm) -> None:
        self.type_the_form(form)
        self.next_from_sign_up()

    @precondition(lambda self: self.page is PageId.SIGN_UP)
    @rule()
    def next_from_sign_up(self) -> None:
        state = self.ctx.state
        if state.signed_up and self.ctx.token_place() is not TokenPlace.MISSING:
            pass
        elif state.signed_up:
            token = self.admin.tokens.get(state.district_id)
            if token is None:
                return  # the admin cannot sign in: they stay (and may start over)
            self.ctx.sign_in(state.district_id, token)
        else:
            if not state.district_form.nces_id:
                return  # the form is not filled in: Next is disabled
            if not state.signup_key:
                state.signup_key = f"key-{len(self.admin.tokens)}-{state.district_form.nces_id}"
            try:
                district = self.ctx.sign_up(state.district_form, state.signup_key)
            except AlreadyRegistered as registered:
                # Sign in instead, with the token the admin kept (shown once, or in the keyring).
                token = self.admin.tokens.get(registered.district_id)
                if token is None:
                    return
                district = self.ctx.sign_in(registered.district_id, token)
            fresh = self.ctx.take_fresh_token()
            if fresh:
                self.admin.tokens[district.id] = fresh  # shown once, or saved in the keyring
            state.district_id, state.signup_key = district.id, ""
        state.mark_completed(PageId.SIGN_UP)
        following = next_page(state, PageId.SIGN_UP)
        assert following is not None
        self._go(following)

    @precondition(lambda self: self.page is PageId.IDENTITY_AND_SYNC)
    @rule(provider=st.sampled_from(PROVIDERS), method=st.sampled_from(METHODS))
    def choose_identity_and_sync(self, provider: str, method: str) -> None:
        state = self.ctx.state
        state.identity_provider, state.sync_method = provider, method
        self.ctx.save()
        self.admin.provider, self.admin.method = provider, method

    @precondition(
        lambda self: self.page is PageId.IDENTITY_AND_SYNC and bool(self.ctx.state.identity_provider)
    )
    @rule()
    def next_from_identity(self) -> None:
        state = self.ctx.state
        try:
            hub = self.ctx.district_hub()
        except NotSignedIn:
            return
        hub.set_sso(state.identity_provider)
        hub.set_sync(state.sync_method)
        state.mark_completed(PageId.IDENTITY_AND_SYNC)
        self._go(PageId.PREPARE_ROSTER)

    @precondition(lambda self: self.page is PageId.PREPARE_ROSTER)
    @rule(name=st.sampled_from(["students.csv", "teachers.csv", "sis-export.zip"]))
    def add_an_input(self, name: str) -> None:
        path = str(self.folder / name)
        if path not in self.ctx.state.roster.input_paths:
            self.ctx.state.roster.input_paths.append(path)
            self.admin.inputs.append(path)
        self.ctx.save()

    @precondition(lambda self: self.page not in (PageId.WELCOME,))
    @rule()
    def back(self) -> None:
        history = self.ctx.state.history
        position = history.index(int(self.page))
        if position == 0:
            self.page = PageId.WELCOME
            return
        self._go(PageId(history[position - 1]))

    @rule(keyring_present=st.booleans())
    def close_and_resume(self, keyring_present: bool) -> None:
        self._close()
        self.keyring_present = keyring_present
        self.ctx = self._open()
        self._resume()

    @rule()
    def restart_the_hub(self) -> None:
        self._close()
        self.hub.stop()
        self.hub = start_hub(self.db, settings=HubSettings(vendor_delay=0.0, random_seed=1))
        self.ctx = self._open()
        self._resume()

    @precondition(lambda self: self.page is PageId.WELCOME)
    @rule()
    def start_over(self) -> None:
        self.ctx.start_over()
        self.admin = Admin(tokens=self.admin.tokens)  # what the admin knows is theirs, not the wizard's

    # --- invariants ----------------------------------------------------------------------------------------
    @invariant()
    def one_district_per_nces_id(self) -> None:
        with sqlite3.connect(self.db) as conn:
            counts = conn.execute("SELECT nces_id, COUNT(*) FROM districts GROUP BY nces_id").fetchall()
        assert all(count == 1 for _nces, count in counts), counts

    @invariant()
    def one_answer_about_the_sign_in(self) -> None:
        state = self.ctx.state
        if not state.signed_up:
            return
        place = self.ctx.token_place()
        if place is TokenPlace.MISSING:
            with pytest.raises(NotSignedIn):
                self.ctx.district_hub()
        else:
            assert self.ctx.district_hub().district().id == state.district_id
            assert (place is TokenPlace.KEYRING) == self.ctx.credentials.persistent

    @invariant()
    def nothing_entered_is_lost(self) -> None:
        saved = load_state()
        if saved is None:
            return
        if self.admin.form.nces_id and not saved.signed_up:
            assert saved.district_form == self.admin.form
        if self.admin.provider:
            assert (saved.identity_provider, saved.sync_method) == (self.admin.provider, self.admin.method)
        assert saved.roster.input_paths == self.admin.inputs
        if self.page is not PageId.WELCOME:
            assert saved.current_page == int(self.page) and saved.history[-1] == int(self.page)


class JourneyWithRegisteringAgain(Journey):
    """The same journey, and the admin who registers the same district again after Start over."""

    @precondition(lambda self: bool(self.admin.tokens) and self.admin.form.nces_id != "")
    @rule()
    def register_again(self) -> None:
        form = self.admin.form
        self._close()
        self.ctx = self._open()
        self.page = PageId.WELCOME
        self.start_over()
        self.choose_connect_online()
        self.type_the_form(form)
        self.next_from_sign_up()


def _run(machine: type[Journey], tmp_path_factory: pytest.TempPathFactory) -> None:
    machine.folders = tmp_path_factory
    run_state_machine_as_test(
        machine,
        settings=settings(
            max_examples=SEQUENCES,
            stateful_step_count=STEPS,
            deadline=None,
            suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
            derandomize=True,
            database=None,
        ),
    )


@pytest.mark.slow
@pytest.mark.timeout(1200)  # a few minutes on a busy machine: every step talks to a real hub over HTTP
def test_the_journey_keeps_its_promises(tmp_path_factory: pytest.TempPathFactory) -> None:
    _run(Journey, tmp_path_factory)


@pytest.mark.slow
@pytest.mark.timeout(1200)
@pytest.mark.xfail(
    not hasattr(hub_errors, "DistrictAlreadyRegistered"),
    strict=True,
    reason="until the hub refuses a second sign-up for a registered NCES id (409 district_already_registered, "
    "issue 10 point 2, hub side) this finds the duplicate; the wizard's side is in place",
)
def test_registering_again_never_makes_a_second_district(tmp_path_factory: pytest.TempPathFactory) -> None:
    _run(JourneyWithRegisteringAgain, tmp_path_factory)
