"""What every page shares: the onboarding state (saved after each committed step) and the hub connection."""

from __future__ import annotations

import logging

from wizard.errors import UserFacingError
from wizard.state import OnboardingState, StateUnreadable, load_state, save_state

log = logging.getLogger(__name__)


class WizardContext:
    def __init__(
        self, state: OnboardingState | None = None, *, load_error: UserFacingError | None = None
    ) -> None:
        self.has_saved_state = state is not None
        self.state = state or OnboardingState()
        self.load_error = load_error

    @classmethod
    def restore(cls) -> WizardContext:
        """The context for a fresh start: the saved state if there is one; a damaged one is reported, not fatal."""
        try:
            return cls(load_state())
        except (StateUnreadable, UserFacingError) as error:
            return cls(None, load_error=error)

    def save(self) -> None:
        save_state(self.state)
        self.has_saved_state = True

    def close(self) -> None:
        """Release what the session holds (the embedded hub, once started)."""
