"""`python main.py upload DIR --sftp USER@HOST[:PORT]`: send a prepared folder's hub files over SFTP.

    python main.py upload out/ --sftp district-ab12cd@sftp.clever.com
    python main.py upload out/ --sftp district-ab12cd@127.0.0.1:8722 --identity ~/.ssh/id_ed25519

DIR is a folder written by `main.py prepare`: its summary.json must show no errors, unless the files were
written with --allow-errors (then the rows with errors were left out). Only the hub's file names are sent;
any other CSV in the folder (besides validation_report.csv) stops the command, so nothing unexpected goes
out. The password comes from the keyring, else standard input with --password-stdin (one line), else a
prompt without echo; it is never an argument or an environment variable, and once the server has accepted
it, it is saved in the keyring for next time. The server's host key is pinned on first use in the user
data folder and its fingerprint printed; a changed key stops the command before anything is sent.

Exit 0: the set was sent. 1: it was not sent (login refused, host key changed, the server refused a file,
no connection). 2: the command or the folder cannot be used. 130: interrupted.
"""

from __future__ import annotations

import argparse
import getpass
import json
import sys
from pathlib import Path
from typing import Any, TextIO

from wizard.errors import UsageError
from wizard.roster import spec
from wizard.roster.pipeline import REPORT_NAME, SUMMARY_NAME

EXIT_OK, EXIT_NOT_SENT, EXIT_USAGE = 0, 1, 2
HUB_NAMES = tuple(spec.hub_file_name(kind) for kind in spec.HUB_KINDS)
NO_KEYRING_NOTE = (
    "note: no system keyring on this computer, so the SFTP password is not saved between runs; "
    "pipe it in with --password-stdin or type it when asked."
)


def add_parser(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = subparsers.add_parser(
        "upload",
        help="send a prepared folder's roster files to the hub over SFTP",
        description="Send the hub files in DIR (written by `prepare`) to the hub's SFTP server, e.g. "
        "sftp.clever.com with the username shown on the district dashboard's sync settings. "
        "Exit 0: sent; 1: not sent (see the message); 2: the command or the folder cannot be used.",
    )
    parser.add_argument("folder", type=Path, metavar="DIR", help="the folder `prepare` wrote")
    parser.add_argument(
        "--sftp",
        required=True,
        metavar="USER@HOST[:PORT]",
        help="the SFTP account and server, e.g. district-ab12cd@sftp.clever.com (port 22 unless given)",
    )
    parser.add_argument(
        "--identity",
        type=Path,
        metavar="KEY",
        help="sign in with this SSH private key (its public key registered with the hub) instead of a password",
    )
    parser.add_argument(
        "--password-stdin",
        action="store_true",
        help="read the SFTP password from the first line of standard input (for scripts and pipes)",
    )
    parser.set_defaults(handler=run)


def hub_files_to_send(folder: Path) -> tuple[list[Path], dict[str, Any]]:
    """The hub files in a prepared folder, after checking its summary.json; raises UsageError otherwise."""
    if not folder.is_dir():
        raise UsageError(f"{folder} is not a folder.", "Name the folder that `main.py prepare --out` wrote.")
    summary_path = folder / SUMMARY_NAME
    try:
        summary = json.loads(summary_path.read_text(encoding="utf-8"))
        errors = int(summary.get("errors", 0))
        written = bool(summary.get("upload_files_written", errors == 0))
        listed = set(summary.get("files_written", []))
    except FileNotFoundError:
        raise UsageError(
            f"{folder} has no {SUMMARY_NAME}, so it was not written by `prepare`.",
            f"Check the files first: main.py prepare YOUR-EXPORTS --out {folder}",
        ) from None
    except (ValueError, TypeError, AttributeError, OSError):
        raise UsageError(
            f"{summary_path} cannot be read.", f"Prepare the roster again: main.py prepare ... --out {folder}"
        ) from None
    if errors and not written:
        raise UsageError(
            f"The roster in {folder} has {errors:,} error{'s' if errors != 1 else ''}, so it was not written "
            "for upload.",
            f"Fix them (see {REPORT_NAME}), or prepare again with --allow-errors to send the rows without errors.",
        )
    others = sorted(
        path.name
        for path in folder.iterdir()
        if path.suffix.lower() == ".csv" and path.name not in HUB_NAMES and path.name != REPORT_NAME
    )
    if others:
        raise UsageError(
            f"{', '.join(others)} in {folder} {'is' if len(others) == 1 else 'are'} not among the hub's file names.",
            f"The hub accepts only {', '.join(HUB_NAMES)} (exact case): move other files out of the folder.",
        )
    files = [folder / name for name in HUB_NAMES if (folder / name).is_file()]
    stale = [path.name for path in files if listed and path.name not in listed]
    if stale:
        raise UsageError(
            f"{', '.join(stale)} in {folder} {'was' if len(stale) == 1 else 'were'} not written by the last "
            f"`prepare` run ({SUMMARY_NAME} does not list {'it' if len(stale) == 1 else 'them'}).",
            f"Prepare the roster again into {folder}, or into an empty folder.",
        )
    if not files:
        raise UsageError(f"{folder} holds no hub files.", f"Prepare the roster into it first: --out {folder}")
    return files, summary


def _password(host: str, port: int, username: str, *, from_stdin: bool, stream: TextIO) -> tuple[str, bool]:
    """(password, came_from_keyring)."""
    from wizard.credentials import default_store

    if from_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
        if not password:
            raise UsageError(
                "No password on standard input (--password-stdin reads its first line).",
                "Pipe the SFTP password into the command, one line.",
            )
        return password, False
    store = default_store()
    stored = store.sftp_password(host, port, username)
    if stored:
        return stored, True
    if not sys.stdin.isatty():
        where = "in the keyring" if store.persistent else "saved (this computer has no system keyring)"
        raise UsageError(
            f"No SFTP password for {username} is {where}, and there is no terminal to ask.",
            "Pipe it in with --password-stdin, sign in with --identity KEY, or run this in a terminal.",
        )
    password = getpass.getpass(f"SFTP password for {username}@{host}: ", stream=stream)
    if not password:
        raise UsageError("No password given.", "Enter the SFTP password from the hub's sync settings page.")
    return password, False


def run(args: argparse.Namespace) -> int:
    from wizard.cli.progress import StderrProgress
    from wizard.credentials import default_store
    from wizard.errors import UserFacingError
    from wizard.hub.sftp import KnownHosts, SftpLogin, SftpTarget, send_files

    try:
        target = SftpTarget.parse(args.sftp)
        files, summary = hub_files_to_send(args.folder)
        from_keyring = False
        if args.identity is not None:
            if args.password_stdin:
                raise UsageError("Choose --identity or --password-stdin, not both.")
            login = SftpLogin(key_path=args.identity.expanduser())
        else:
            if not args.password_stdin and not default_store().persistent:
                print(NO_KEYRING_NOTE, file=sys.stderr)
            password, from_keyring = _password(
                target.host, target.port, target.username, from_stdin=args.password_stdin, stream=sys.stderr
            )
            login = SftpLogin(password=password)
    except UserFacingError as error:
        print(f"error: {error}", file=sys.stderr)
        return EXIT_USAGE
    if int(summary.get("errors", 0)):
        print(
            f"note: sending the rows without errors; {summary['errors']:,} error(s) are in {REPORT_NAME}.",
            file=sys.stderr,
        )
    progress = StderrProgress(sys.stderr)
    known_hosts = KnownHosts.default()
    try:
        sent = send_files(target, login, files, known_hosts=known_hosts, progress=progress)
    except UserFacingError as error:
        progress.finish()
        print(f"error: {error}", file=sys.stderr)
        return EXIT_NOT_SENT
    progress.finish()
    if login.password and not from_keyring:
        default_store().set_sftp_password(target.host, target.port, target.username, login.password)
    if sent.host_key_pinned_now:
        print(
            f"First connection to {target.host}: its host key {sent.host_key_fingerprint} is now trusted "
            f"(kept in {known_hosts.path}). Compare it with the fingerprint the hub shows.",
            file=sys.stderr,
        )
    names = ", ".join(sent.names)
    print(
        f"Sent {len(sent.names)} files ({sent.bytes:,} bytes) to {target} in {sent.seconds:.1f} s: {names}.\n"
        "The hub processes the set once the folder has been quiet for a while (about 5 minutes on "
        "sftp.clever.com); see the result on the hub's sync page.",
        file=sys.stderr,
    )
    return EXIT_OK
