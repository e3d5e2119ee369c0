"""Builds the wizard's session for the GUI: the saved state, the system keyring, the built-in hub's starter,
and the dialogs that answer the wizard's questions."""

from __future__ import annotations

from wizard.app.hub import embedded_hub_starter


def run() -> int:
    from wizard.session.context import WizardContext
    from wizard.ui.app import run_gui
    from wizard.ui.questions import DialogQuestions

    ctx = WizardContext.restore(start_hub=embedded_hub_starter(), questions=DialogQuestions())
    return run_gui(ctx)
