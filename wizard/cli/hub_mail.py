"""`python main.py hub`'s email options: the demo's own mail server (the default), a configured SMTP server
(password in the keyring only), no email, and listing or printing the demo mailbox's messages."""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from wizard.cli import arguments
from wizard.errors import UsageError

if TYPE_CHECKING:
    from wizard.sandbox.server import MailOptions


def add_arguments(parser: argparse.ArgumentParser) -> None:
    group = parser.add_argument_group(
        "email",
        "The hub emails its notifications (a vendor's question or acceptance, an upload on hold, a failed sync) "
        "and the teachers' instructions. By default it sends them to its own demo mail server on 127.0.0.1, "
        "whose mailbox --mailbox shows.",
    )
    group.add_argument(
        "--smtp-host", metavar="HOST", help="send through this SMTP server instead of the demo's"
    )
    group.add_argument("--smtp-port", type=arguments.port, default=587, help="its port (default 587)")
    group.add_argument(
        "--no-starttls", action="store_true", help="do not switch to TLS with STARTTLS (default: STARTTLS)"
    )
    group.add_argument("--smtp-user", metavar="USER", default="", help="sign in to the server as USER")
    group.add_argument(
        "--smtp-password-stdin",
        action="store_true",
        help="read USER's password from one line on stdin and keep it in the system keyring (afterwards "
        "the keyring is where the hub takes it from; it is never an argument or a file)",
    )
    group.add_argument(
        "--smtp-from", metavar="ADDRESS", default="", help="the sender address of the messages"
    )
    group.add_argument("--no-mail", action="store_true", help="send no email at all")
    group.add_argument(
        "--mail-port",
        type=arguments.port,
        default=0,
        help="port of the demo mail server on 127.0.0.1 (default 0: any free port)",
    )
    group.add_argument(
        "--mailbox",
        nargs="?",
        const="",
        metavar="MESSAGE_ID",
        help="list the demo mailbox's messages (of the hub over --db) and exit; with an id, print that message",
    )


def mail_options(args: argparse.Namespace) -> MailOptions | None:
    from wizard.sandbox.mail import DEFAULT_SENDER, SmtpSettings
    from wizard.sandbox.server import MailOptions

    if args.no_mail:
        return None
    if not args.smtp_host:
        if args.smtp_user or args.smtp_password_stdin:
            raise UsageError("--smtp-user and --smtp-password-stdin need --smtp-host.")
        return MailOptions(demo_port=args.mail_port)
    password = ""
    if args.smtp_user:
        password = _smtp_password(args)
    return MailOptions(
        smtp=SmtpSettings(
            host=args.smtp_host,
            port=args.smtp_port,
            starttls=not args.no_starttls,
            user=args.smtp_user,
            password=password,
            sender=args.smtp_from or DEFAULT_SENDER,
        )
    )


def _smtp_password(args: argparse.Namespace) -> str:
    from wizard.credentials import default_store

    store = default_store()
    if args.smtp_password_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
        if not password:
            raise UsageError("--smtp-password-stdin read an empty line.", "Pipe the password in, one line.")
        store.set_smtp_password(args.smtp_host, args.smtp_port, args.smtp_user, password)
        return password
    saved = store.smtp_password(args.smtp_host, args.smtp_port, args.smtp_user)
    if not saved:
        raise UsageError(
            f"No password for {args.smtp_user} on {args.smtp_host}:{args.smtp_port} is in the keyring.",
            'Give it once with --smtp-password-stdin (e.g. `read -s P; echo "$P" | … --smtp-password-stdin`); '
            "the keyring keeps it.",
        )
    return saved


def show_mailbox(db_path: Path, message_id: str) -> int:
    """List the demo mailbox (newest first) or print one message; 1 when the message does not exist."""
    from wizard.sandbox.mail import Mailbox
    from wizard.sandbox.server import mailbox_folder

    mailbox = Mailbox(mailbox_folder(db_path))
    if message_id:
        found = mailbox.message(message_id)
        if found is None:
            print(f"No message {message_id!r} in {mailbox.folder}.", file=sys.stderr)
            return 1
        print(f"From: {found.sender}\nTo: {', '.join(found.to)}\nSubject: {found.subject}\n")
        print(found.body)
        return 0
    messages = mailbox.messages()
    print(f"{len(messages)} message{'s' if len(messages) != 1 else ''} in {mailbox.folder}")
    for message in messages:
        when = dt.datetime.fromtimestamp(message.received, dt.UTC).strftime("%Y-%m-%d %H:%M:%S")
        print(f"{message.id}  {when}  {', '.join(message.to)}  {message.subject}")
    return 0
