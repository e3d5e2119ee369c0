"""The Prepare step's controller, Qt-free: which mapping to use, checking and writing the hub files, the
upload and what the hub made of it, and the words for each of these. The page is layout and signals.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from wizard.fileio import write_text_atomically
from wizard.hub.models import Upload
from wizard.session.text import plural
from wizard.state import Mode, data_dir
from wizard.tasks import CancelToken, ProgressCallback, no_progress

if TYPE_CHECKING:
    from wizard.roster.mapping import MappingSpec
    from wizard.roster.pipeline import PrepareResult
    from wizard.roster.targets import Export
    from wizard.session.context import WizardContext

ACCEPTED = "succeeded"
REPORT_NAME = "validation_report.csv"


def mapping_file(district_key: str) -> Path:
    """Where the edited mapping of one district (or of offline work) is remembered."""
    safe = "".join(ch if ch.isalnum() or ch in "-_" else "_" for ch in district_key) or "offline"
    return data_dir() / "mappings" / f"{safe}.json"


def change_summary(upload: Upload | None) -> str:
    """“added 57 students, 4 schools; updated 2 teachers; removed 1 section” — only what changed."""
    if upload is None:
        return ""
    parts = []
    for verb in ("added", "updated", "removed"):
        counts = [
            f"{getattr(c, verb)} {kind}" for kind, c in sorted(upload.changes.items()) if getattr(c, verb)
        ]
        if counts:
            parts.append(f"{verb} " + ", ".join(counts))
    return "; ".join(parts)


def received_summary(upload: Upload | None) -> str:
    """“4 schools, 12 teachers, 30 sections, 57 students, 240 enrollments” — what the upload carried."""
    if upload is None:
        return ""
    order = ("schools", "teachers", "staff", "sections", "students", "enrollments")
    kinds = sorted(upload.counts, key=lambda kind: order.index(kind) if kind in order else len(order))
    return ", ".join(f"{upload.counts[kind]} {kind}" for kind in kinds if upload.counts[kind])


def friendly_column(name: str) -> str:
    """A hub column as a title people read: “Student_number” → “Student number” (the name is the tooltip)."""
    return name.replace("_", " ").strip().capitalize() or name


@dataclass(frozen=True)
class UploadView:
    """What the page shows about an upload: the sentence, whether it reads as good news, and whether the
    admin may approve it."""

    text: str
    ok: bool
    approvable: bool


def upload_view(upload: Upload | None, status: str = "") -> UploadView | None:
    status = upload.status if upload is not None else status
    if not status:
        return None
    changes = change_summary(upload)
    approvable = False
    if status == "queued":
        text = "The hub will process your upload as soon as it has finished the one before…"
    elif status == "processing":
        text = "The hub is processing your upload…"
    elif status == ACCEPTED:
        text = "✓ The hub accepted your roster ({received}): {changes}.".format(
            received=received_summary(upload) or "no records", changes=changes or "nothing changed"
        )
    elif status == "on_hold":
        text = (
            "! The hub put this upload on hold: {reason} It would change: {changes}. "
            "Approve only if you expect these changes."
        ).format(reason=(upload.hold_reason if upload else "") or "", changes=changes)
        approvable = upload is not None
    elif status == "superseded":
        text = (
            "! A newer upload replaced this one, so it can no longer be approved. "
            "Upload your roster again to see its current state."
        )
    elif status == "failed":
        errors = "; ".join(issue.message for issue in (upload.errors if upload else ())[:5])
        text = f"! The hub could not use this upload: {errors}"
    else:
        text = status
    return UploadView(text, status == ACCEPTED, approvable)


class PrepareController:
    """What the Prepare page does, without the page: it holds the current check's result."""

    def __init__(self, ctx: WizardContext) -> None:
        self.ctx = ctx
        self.result: PrepareResult | None = None
        self.exported = False  # whether the current result was exported in this session

    @property
    def online(self) -> bool:
        return self.ctx.state.mode is Mode.ONLINE

    def district_key(self) -> str:
        return self.ctx.state.district_id if self.online and self.ctx.state.district_id else "offline"

    # --- inputs and mapping --------------------------------------------------------------------------------
    def set_inputs(self, paths: list[Path]) -> None:
        self.ctx.state.roster.input_paths = [str(path) for path in paths]
        self.ctx.save()

    def mapping(self, edited: dict[str, Any] | None) -> MappingSpec | None:
        """The edited mapping (remembered for this district), else the one remembered, else None (guess)."""
        from wizard.roster.mapping import MappingSpec

        remembered = mapping_file(self.district_key())
        if edited:
            self._remember_mapping(edited)
            return MappingSpec.from_dict(edited)
        if remembered.is_file():
            return MappingSpec.from_dict(
                json.loads(remembered.read_text(encoding="utf-8")), source=str(remembered)
            )
        return None

    def _remember_mapping(self, mapping: dict[str, Any]) -> None:
        target = mapping_file(self.district_key())
        target.parent.mkdir(parents=True, exist_ok=True)
        write_text_atomically(target, json.dumps(mapping, indent=2))

    # --- checking and writing ------------------------------------------------------------------------------
    def check(
        self, paths: list[Path], mapping: MappingSpec | None, progress: ProgressCallback, cancel: CancelToken
    ) -> PrepareResult:
        """Read and check the inputs (a worker's task): in a child process, so the window stays responsive
        (see wizard.session.prepare_child); Cancel kills the child."""
        from wizard.session.prepare_child import check_in_child

        return check_in_child(paths, mapping, progress, cancel)

    def checked(self, result: PrepareResult) -> None:
        self.result = result
        self.exported = False  # a new check: what was exported before is not this result

    @staticmethod
    def export_targets() -> list[tuple[str, str]]:
        """The standard sets an export can write beside the hub files: (target, name), as `--target` offers."""
        from wizard.roster.standards import EXPORT_TARGETS, FORMAT_NAMES  # not targets: it loads pandas

        return [(target, FORMAT_NAMES[standard]) for target, standard in EXPORT_TARGETS.items()]

    def choose_targets(self, targets: Sequence[str]) -> None:
        """Remember which standard sets the admin wants beside the hub files."""
        known = {target for target, _ in self.export_targets()}
        self.ctx.state.roster.export_targets = [target for target in targets if target in known]
        self.ctx.save()

    def write(
        self,
        result: PrepareResult,
        folder: Path,
        allow_errors: bool,
        progress: ProgressCallback = no_progress,
        cancel: CancelToken | None = None,
    ) -> Export:
        """The hub files, report and summary, and the standard sets chosen (each read back identical)."""
        from wizard.roster.targets import export_roster

        targets = ["hub", *self.ctx.state.roster.export_targets]
        return export_roster(
            result, folder, targets, allow_errors=allow_errors, progress=progress, cancel=cancel
        )

    def written(self, folder: Path) -> None:
        self.exported = True
        self.ctx.state.roster.export_dir = str(folder)
        self.ctx.save()

    # --- the upload ----------------------------------------------------------------------------------------
    def upload_folder(self) -> Path:
        """Where the files to upload are written: the folder exported to, else the wizard's own."""
        exported = self.ctx.state.roster.export_dir
        return Path(exported) if exported else data_dir() / "exports" / self.district_key()

    @staticmethod
    def hub_files(paths: list[Path]) -> list[Path]:
        return [path for path in paths if path.suffix == ".csv" and path.name != REPORT_NAME]

    def uploaded(self, upload: Upload) -> None:
        roster = self.ctx.state.roster
        roster.upload_id, roster.upload_status = upload.id, upload.status or "processing"
        self.ctx.save()

    # --- the upload over SFTP (file sync) ---

    @property
    def uses_sftp(self) -> bool:
        """The district chose file upload and set up an SFTP account: the files go over SFTP."""
        account = self.ctx.state.sftp
        return (
            self.online and self.ctx.state.sync_method == "sftp" and bool(account.username and account.host)
        )

    def sent_over_sftp(self) -> None:
        """The files are on the hub's SFTP server; the upload appears once the hub has processed them."""
        roster = self.ctx.state.roster
        roster.upload_id, roster.upload_status = "", ""
        self.ctx.save()

    @property
    def waiting_for_sftp(self) -> bool:
        """Sent over SFTP and the hub's processing not seen yet (clever.com has no API to follow it by)."""
        state = self.ctx.state
        return (
            self.uses_sftp and bool(state.sftp.sent_at) and not state.roster.upload_id and not state.on_clever
        )

    def polled(self, upload: Upload) -> None:
        self.ctx.state.roster.upload_status = upload.status
        self.ctx.save()

    @property
    def upload_accepted(self) -> bool:
        """The hub accepted the upload; on clever.com (which reports by email and in its dashboard): sent."""
        state = self.ctx.state
        if state.on_clever:
            return bool(state.sftp.sent_at) and bool(state.roster.export_dir)
        return state.roster.upload_status == ACCEPTED

    # --- closing -------------------------------------------------------------------------------------------
    def needs_closing_question(self) -> bool:
        """Offline with prepared files not exported (or exported with errors)."""
        return not (self.online or self.result is None or (self.exported and not self.result.error_count))

    def closing_question(self, leave_out_errors: bool) -> str:
        result = self.result
        parts = []
        if not self.exported:
            parts.append("The hub files you prepared are not exported yet.")
        if result is not None and result.error_count:
            parts.append(
                f"Your files still have {plural(result.error_count, 'error')}. "
                + (
                    "Rows with errors are left out of the export."
                    if leave_out_errors
                    else "To export anyway, tick “Leave out rows with errors” first."
                )
            )
        parts.append("Your files and choices are saved either way: the wizard picks up here next time.")
        return " ".join(parts)
