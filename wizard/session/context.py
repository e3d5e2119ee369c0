"""What every page shares: the onboarding state (saved after each committed step) and the hub connection.

The hub is either the one at `state.hub_url` or the built-in hub, which the composition root knows how to
start (`start_hub`): it starts the first time a page needs it and stops when the wizard closes. Methods that
talk to the hub block: pages call them inside a Worker. Qt-free.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from wizard.credentials import CredentialStore, default_store
from wizard.errors import UserFacingError
from wizard.session.embedded import EmbeddedHub, HubStarter
from wizard.session.hub_access import HubAccess
from wizard.session.questions import Questions, RecordedQuestions
from wizard.session.settings import SessionSettings
from wizard.session.signin import AlreadyRegistered, NotSignedIn, TokenPlace, TokenRefused, token_place
from wizard.session.summary import SisCount, sis_file_counts
from wizard.state import DistrictForm, OnboardingState, StateUnreadable, load_state, save_state

if TYPE_CHECKING:
    from wizard.hub.models import App, District, RosterUser
    from wizard.session.hub_access import Directory, DistrictSession
    from wizard.support.linkcheck import InstantLoginCheck, RosterSource
    from wizard.support.rehearsal import RehearsalOutcome

log = logging.getLogger(__name__)

__all__ = ["SisCount", "WizardContext"]


class WizardContext:
    def __init__(
        self,
        state: OnboardingState | None = None,
        *,
        load_error: UserFacingError | None = None,
        embedded_hub: EmbeddedHub | None = None,
        start_hub: HubStarter | None = None,
        credentials: CredentialStore | None = None,
        settings: SessionSettings | None = None,
        questions: Questions | None = None,
        open_url: Callable[[str], None] | None = None,
    ) -> None:
        """`embedded_hub` lends a running built-in hub the context will not stop (tests, the screenshot tour);
        `start_hub` starts one when a page first needs it (the composition root's); `credentials` is where
        tokens are kept (the system keyring by default); `questions` answers what the wizard asks the admin
        (the GUI's dialogs; by default, recorded answers that always take the safe choice); `open_url` opens a
        web page (None: the desktop's browser; tests record the addresses instead)."""
        self.has_saved_state = state is not None
        self.state = state or OnboardingState()
        self.load_error = load_error
        self._lock = threading.Lock()
        self._embedded = embedded_hub
        self._owns_embedded = False
        self._start_hub = start_hub
        self.settings = settings or SessionSettings()
        self.questions: Questions = questions if questions is not None else RecordedQuestions()
        self.open_url = open_url
        self.hub = HubAccess(self.settings.client_policy)
        self.resume_requested = False  # Welcome's choice: continue along the saved path
        self.sign_in_requested = False  # Welcome's choice: sign in with a district id and admin token
        self._fresh_token: str | None = None
        self.credentials = credentials if credentials is not None else default_store()
        self._district_hub: DistrictSession | None = None
        self._district_hub_key: tuple[str, str] | None = None

    @classmethod
    def restore(cls, **kwargs: Any) -> WizardContext:
        """The context for a fresh start: the saved state if there is one; a damaged one is reported, not fatal."""
        try:
            return cls(load_state(), **kwargs)
        except (StateUnreadable, UserFacingError) as error:
            return cls(None, load_error=error, **kwargs)

    def start_over(self) -> None:
        """Forget the saved onboarding on this computer (the hub keeps the district; tokens stay where they
        are, so signing in to it again works). The hub choice is kept."""
        chosen = self.state.clever.chosen
        self.state = OnboardingState(hub_url=self.state.hub_url)
        if chosen:
            from wizard.session.clever import choose_clever

            choose_clever(self.state, True)
        self.resume_requested = self.sign_in_requested = False
        with self._lock:
            self._district_hub = None
        self.save()

    def save(self) -> None:
        save_state(self.state)
        self.has_saved_state = True

    # --- the hub -------------------------------------------------------------------------------------------
    @property
    def uses_embedded_hub(self) -> bool:
        return not self.state.hub_url and not self.state.on_clever

    def embedded_hub(self) -> EmbeddedHub:
        """The running built-in hub, started on first use (blocks until it answers)."""
        with self._lock:
            if self._embedded is None:
                if self._start_hub is None:
                    raise UserFacingError(
                        "This wizard was started without the built-in hub.",
                        "On the Welcome page, choose “The hub at this address” and type your hub's address.",
                    )
                self._embedded = self._start_hub()
                self._owns_embedded = True
            return self._embedded

    def hub_base_url(self) -> str:
        return self.state.hub_url if self.state.hub_url else str(self.embedded_hub().base_url)

    def credential_scope(self) -> str:
        """Which hub a stored token belongs to: its URL, or one stable name for the embedded hub
        (whose port changes from run to run)."""
        return self.state.hub_url or "embedded-hub"

    def close(self) -> None:
        """Stop the embedded hub if this context started it, and drop the HTTP sessions."""
        with self._lock:
            if self._district_hub is not None:
                close = getattr(self._district_hub, "close", None)
                if callable(close):
                    close()
                self._district_hub = None
            if self._embedded is not None and self._owns_embedded:
                self._embedded.stop()
                self._embedded = None
                self._owns_embedded = False

    # --- signing up and in ---------------------------------------------------------------------------------
    def token_place(self, district_id: str | None = None) -> TokenPlace:
        """Is this district's token available, and where: the one answer every page asks."""
        return token_place(self.credentials, self.credential_scope(), district_id or self.state.district_id)

    def take_fresh_token(self) -> str | None:
        """The token of the sign-up that just completed, once (to show the admin when no keyring keeps it)."""
        token, self._fresh_token = self._fresh_token, None
        return token

    def sign_up(self, form: DistrictForm, idempotency_key: str) -> District:
        from wizard.hub.errors import Conflict, SignupAlreadyCompleted

        try:
            district, token = self.hub.sign_up(self.hub_base_url(), form, idempotency_key)
        except SignupAlreadyCompleted as done:
            # A retry of a sign-up that went through: the hub keeps no token to hand out again, so use
            # the one saved to the keyring when the first attempt completed.
            saved = self.credentials.admin_token(self.credential_scope(), done.district_id)
            if not saved:
                raise UserFacingError(
                    f"Your district is already registered (district id {done.district_id}), "
                    "but this computer has no admin token saved for it.",
                    "Choose “Sign in to a district already registered” and enter the district id and the admin "
                    "token you were given, or ask hub support to issue a new one.",
                ) from None
            return self.sign_in(done.district_id, saved)
        except Conflict as conflict:
            if conflict.code != "district_already_registered":
                raise
            # One district per district: an NCES id already registered is signed in to, not registered again.
            district_id = str(getattr(conflict, "district_id", "") or "")
            saved = (
                self.credentials.admin_token(self.credential_scope(), district_id) if district_id else None
            )
            if saved:
                return self.sign_in(district_id, saved)
            raise AlreadyRegistered(conflict.message, district_id) from None
        self._remember_token(district.id, token)
        self._fresh_token = token
        return district

    def sign_in(self, district_id: str, token: str) -> District:
        from wizard.hub.errors import AuthError, NotFound

        hub = self.hub.open_district(self.hub_base_url(), district_id, token)
        try:
            district = hub.district()  # proves the token before it is stored
        except (AuthError, NotFound):
            hub.close()
            raise TokenRefused(district_id) from None
        self._remember_token(district_id, token)
        return district

    def _remember_token(self, district_id: str, token: str) -> None:
        self.credentials.set_admin_token(self.credential_scope(), district_id, token)
        with self._lock:
            self._district_hub = None

    def district_hub(self) -> DistrictSession:
        """The signed-in district's view of the hub (token from the keyring)."""
        district_id = self.state.district_id
        if not district_id:
            raise UserFacingError("Your district is not signed in yet.", "Go back to “Sign up or sign in”.")
        base_url = self.hub_base_url()
        with self._lock:
            if self._district_hub is not None and self._district_hub_key == (base_url, district_id):
                return self._district_hub
        token = self.credentials.admin_token(self.credential_scope(), district_id)
        if not token:
            raise NotSignedIn(district_id)
        hub = self.hub.open_district(base_url, district_id, token)
        with self._lock:
            self._district_hub, self._district_hub_key = hub, (base_url, district_id)
        return hub

    # --- the app catalog -----------------------------------------------------------------------------------
    def catalog(self, query: str = "") -> list[tuple[App, bytes | None]]:
        base_url = self.hub_base_url()
        return [(app, self.hub.app_icon(base_url, app)) for app in self.hub.list_apps(base_url, query)]

    def app_icon(self, app: App | str) -> bytes | None:
        return self.hub.app_icon(self.hub_base_url(), app)

    def keyring_warning(self) -> str | None:
        return self.credentials.warning

    def chosen_app(self) -> App | None:
        return self.hub.get_app(self.hub_base_url(), self.state.app.app_id) if self.state.app.app_id else None

    def portal_url(self) -> str:
        return self.hub_base_url()

    # --- the district's own roster -------------------------------------------------------------------------
    def district_directory(self) -> Directory:
        """The district's schools and sections with the hub's ids, for the sharing picker and the printouts."""
        return self.district_hub().directory()

    def sis_file_counts(self) -> dict[str, SisCount] | None:
        """Per kind, the records read from the SIS files and those left out for errors (see `summary`)."""
        return sis_file_counts(self.state.roster.export_dir)

    def shared_users(self, role: str = "student") -> list[RosterUser]:
        """The users with `role` shared with the chosen app (none before an app is added)."""
        if not self.state.app.connection_id:
            return []
        return self.district_hub().shared_users(self.state.app.connection_id, role)

    def login_check(
        self, vendor_roster: Path | None, source: RosterSource | None = None
    ) -> InstantLoginCheck:
        """The Instant Login link check for the chosen app (the support view's, one engine with the vendor
        import), against the vendor's roster export or the wizard's own import file (`source` says which),
        read as the support view reads it: any encoding, CSV/XLSX, the app's profile's column names."""
        from wizard.roster.vendor.profiles import load_profile
        from wizard.support.linkcheck import (
            DEFAULT_PROFILE,
            RosterSource,
            instant_login_check,
            read_vendor_roster,
        )

        profile = load_profile(self.state.vendor.profile or DEFAULT_PROFILE)
        source = source or RosterSource.VENDOR_EXPORT
        roster = read_vendor_roster(vendor_roster, profile, source) if vendor_roster else None
        return instant_login_check(self.shared_users("student"), roster)

    # --- rehearsing Instant Login --------------------------------------------------------------------------
    def rehearsal_roster(self) -> tuple[Path, RosterSource] | None:
        """The vendor's roster the rehearsal's simulated app holds by default: the import file this wizard
        wrote (what the vendor has once imported), else the vendor's export loaded on the import page."""
        from wizard.support.linkcheck import RosterSource

        vendor = self.state.vendor
        if vendor.written and vendor.output_dir:
            written = Path(vendor.output_dir) / "vendor_import.csv"
            if written.is_file():
                return written, RosterSource.WIZARD_IMPORT
        if vendor.roster_path and Path(vendor.roster_path).is_file():
            return Path(vendor.roster_path), RosterSource.VENDOR_EXPORT
        return None

    def rehearse_login(
        self, student: RosterUser, roster_path: Path, source: RosterSource
    ) -> RehearsalOutcome:
        """Sign `student` in to the chosen app as the hub's simulated vendor app holding the roster at
        `roster_path` (read as the link check reads it): the real authorization-code flow, over HTTP."""
        from wizard.roster.vendor.profiles import load_profile
        from wizard.support.linkcheck import DEFAULT_PROFILE, read_vendor_roster

        profile = load_profile(self.state.vendor.profile or DEFAULT_PROFILE)
        roster = read_vendor_roster(roster_path, profile, source)
        return self.district_hub().rehearse_login(self.state.app.app_id, student, roster)
