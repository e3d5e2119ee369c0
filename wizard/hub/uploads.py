"""The onboarding client's calls on the roster's way to the hub: uploads (`/api/v1/districts/{d}/uploads`) and
the district's SFTP settings (`/api/v1/districts/{d}/sftp`). `OnboardingClient` inherits them."""

from __future__ import annotations

import time
from collections.abc import Sequence
from pathlib import Path

from urllib3 import encode_multipart_formdata

from wizard.hub.calls import HubCalls
from wizard.hub.errors import HubError
from wizard.hub.models import Upload
from wizard.hub.transport import ProgressStream, new_idempotency_key, read_answer
from wizard.tasks import CancelToken, ProgressCallback, no_progress
from wizard.wire import onboarding as wire
from wizard.wire.sftp import SftpKeyOut, SftpKeyRemoved, SftpPasswordOut, SftpSettingsOut


class UploadCalls(HubCalls):
    """Roster uploads and SFTP settings, inherited by OnboardingClient."""

    def upload_roster(
        self,
        district_id: str,
        files: Sequence[Path],
        *,
        idempotency_key: str | None = None,
        progress: ProgressCallback = no_progress,
        cancel: CancelToken | None = None,
    ) -> Upload:
        """Upload hub CSV files (schools.csv, students.csv …); the hub answers at once with status processing.

        `progress(sent_bytes, total_bytes, message)` is called as the files go out; `cancel` stops the upload.
        """
        try:
            fields = [("files", (path.name, path.read_bytes(), "text/csv")) for path in files]
        except OSError as error:
            raise HubError(
                f"{error.filename} cannot be read ({error.strerror}).", "Export the roster files again."
            ) from None
        payload, content_type = encode_multipart_formdata(fields)
        headers = {**self._headers(), "Content-Type": content_type}
        response = self._transport.request(
            "POST",
            f"/api/v1/districts/{district_id}/uploads",
            "upload your roster files",
            headers=headers,
            body=lambda: ProgressStream(payload, progress, cancel),
            idempotency_key=idempotency_key or new_idempotency_key(),
        )
        return Upload.accepted(read_answer(response, wire.UploadAccepted, "upload"))

    def upload(self, district_id: str, upload_id: str) -> Upload:
        return Upload.from_wire(
            self._call(
                wire.UploadOut,
                "GET",
                f"/api/v1/districts/{district_id}/uploads/{upload_id}",
                "check the upload",
            )
        )

    def uploads(self, district_id: str) -> list[Upload]:
        body = self._call(wire.UploadList, "GET", f"/api/v1/districts/{district_id}/uploads", "list uploads")
        return [Upload.from_wire(item) for item in body.data]

    def wait_for_upload(
        self,
        district_id: str,
        upload_id: str,
        *,
        timeout: float = 600.0,
        interval: float = 0.5,
        cancel: CancelToken | None = None,
    ) -> Upload:
        """Poll until the hub has processed the upload (succeeded, failed, on_hold or superseded)."""
        deadline = time.monotonic() + timeout
        while True:
            upload = self.upload(district_id, upload_id)
            if upload.done:
                return upload
            if cancel is not None:
                cancel.raise_if_cancelled()
            if time.monotonic() >= deadline:
                raise HubError(
                    "The hub is still processing your upload.", "Check its status again later from this page."
                )
            time.sleep(interval)

    def approve_upload(self, district_id: str, upload_id: str) -> Upload:
        return Upload.from_wire(
            self._call(
                wire.UploadOut,
                "POST",
                f"/api/v1/districts/{district_id}/uploads/{upload_id}/approve",
                "approve the upload",
            )
        )

    def sftp_settings(self, district_id: str) -> SftpSettingsOut:
        """The district's SFTP username, the hub's SFTP server and host key fingerprint, keys and folder."""
        return self._call(
            SftpSettingsOut, "GET", f"/api/v1/districts/{district_id}/sftp", "load the SFTP settings"
        )

    def rotate_sftp_password(self, district_id: str) -> SftpPasswordOut:
        """A new SFTP password (the old one stops working); the hub shows it only in this answer."""
        return self._call(
            SftpPasswordOut,
            "POST",
            f"/api/v1/districts/{district_id}/sftp/password",
            "get a new SFTP password",
        )

    def add_sftp_key(self, district_id: str, public_key: str) -> SftpKeyOut:
        return self._call(
            SftpKeyOut,
            "POST",
            f"/api/v1/districts/{district_id}/sftp/keys",
            "register the SSH key",
            json={"public_key": public_key},
        )

    def remove_sftp_key(self, district_id: str, key_id: str) -> None:
        self._call(
            SftpKeyRemoved,
            "DELETE",
            f"/api/v1/districts/{district_id}/sftp/keys/{key_id}",
            "remove the SSH key",
        )
