"""`python main.py screenshots DIR`: walk every page against a fresh embedded hub with demo data and save one
PNG per page (for the README and for review).

Everything happens in a temporary data folder with an in-memory credential store: the tour never touches the
user's onboarding, keyring or hub. This module is the composition root's part (the hub, the demo files, the
session); the walk itself is `wizard.ui.tour`. Qt is imported inside `run`, so building the command line stays
light.
"""

from __future__ import annotations

import argparse
import os
import tempfile
from pathlib import Path
from typing import Any

from wizard.cli.arguments import output_folder
from wizard.errors import UserFacingError


def add_parser(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "screenshots", help="walk every wizard page against the embedded hub with demo data and save PNGs"
    )
    parser.add_argument("out", type=output_folder, help="folder for the PNG files (created if missing)")
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    out: Path = args.out
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise UserFacingError(
            f"Cannot create the screenshot folder {out} ({error.strerror or error}).",
            "Name a folder you can write to, e.g. docs/screenshots.",
        ) from None
    if not os.environ.get("DISPLAY") and not os.environ.get("WAYLAND_DISPLAY"):
        os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    with tempfile.TemporaryDirectory(prefix="wizard-tour-") as temporary:
        os.environ["WIZARD_DATA_DIR"] = str(Path(temporary) / "data")
        saved = _tour(Path(temporary), out)
    for path in saved:
        print(path)
    return 0


def _tour(workdir: Path, out: Path) -> list[Path]:
    """A private built-in hub and the demo district's SIS files for the GUI's tour (`wizard.ui.tour`)."""
    from wizard.credentials import process_keyring_store
    from wizard.demo import write_demo_sis_files
    from wizard.sandbox.server import MailOptions, SftpOptions, start_hub
    from wizard.sandbox.settings import HubSettings
    from wizard.session.context import WizardContext
    from wizard.session.questions import RecordedQuestions
    from wizard.session.settings import SessionSettings
    from wizard.session.sharing import LOCK_QUESTION, SAVE_AND_LOCK
    from wizard.ui.tour import take_screenshots

    sis = write_demo_sis_files(workdir / "sis")
    hub = start_hub(
        workdir / "hub.sqlite3",
        settings=HubSettings(vendor_delay=0.0, random_seed=1),
        sftp=SftpOptions(port=0, quiet_seconds=2.0),  # the tour sends the roster over SFTP
        mail=MailOptions(),  # and shows the demo mailbox
    )
    try:
        ctx = WizardContext(
            None,
            embedded_hub=hub,
            credentials=process_keyring_store(),
            settings=SessionSettings(connection_poll_ms=200, upload_poll_ms=200),
            questions=RecordedQuestions(answers={LOCK_QUESTION: SAVE_AND_LOCK}),
        )
        return take_screenshots(ctx, sis, workdir, out)
    finally:
        hub.stop()
