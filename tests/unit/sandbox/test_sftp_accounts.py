"""SFTP accounts on the hub: hashed passwords, generated usernames, and which public keys are accepted."""

from __future__ import annotations

import asyncssh
import pytest

from wizard.sandbox import sftp_accounts
from wizard.sandbox.sftp_server import refused_name_message


def test_a_password_is_kept_as_a_salted_hash_that_verifies_only_itself() -> None:
    password = sftp_accounts.new_password()
    first, second = sftp_accounts.hash_password(password), sftp_accounts.hash_password(password)
    assert password not in first and first != second  # salted
    assert sftp_accounts.verify_password(password, first)
    assert not sftp_accounts.verify_password(password + "x", first)
    assert not sftp_accounts.verify_password(password, "")
    assert not sftp_accounts.verify_password(password, "plain$text")
    assert len(password) == 24 and not set(password) & set("0O1lI")


def test_an_ed25519_public_key_is_registered_by_its_fingerprint_without_trusting_the_comment() -> None:
    key = asyncssh.generate_private_key("ssh-ed25519")
    line = key.export_public_key("openssh").decode().strip() + " admin@district"
    parsed = sftp_accounts.parse_public_key(line)
    assert parsed.fingerprint == key.get_fingerprint("sha256")
    assert parsed.key_type == "ssh-ed25519" and parsed.comment == "admin@district"
    assert "admin@district" not in parsed.public_key


@pytest.mark.parametrize(
    ("text", "complaint"),
    [
        ("", "Paste one public key"),
        ("-----BEGIN OPENSSH PRIVATE KEY----- abc", "That is a private key"),
        ("ssh-ed25519 not-base64", "not an SSH public key"),
        ("ssh-ed25519 AAAA\nssh-ed25519 AAAA", "Paste one public key"),
    ],
)
def test_keys_the_hub_cannot_use_are_refused_with_a_reason(text: str, complaint: str) -> None:
    with pytest.raises(sftp_accounts.KeyRefused, match=complaint):
        sftp_accounts.parse_public_key(text)


def test_a_short_rsa_key_is_refused() -> None:
    key = asyncssh.generate_private_key("ssh-rsa", key_size=1024)
    with pytest.raises(sftp_accounts.KeyRefused, match="at least 2048 bits"):
        sftp_accounts.parse_public_key(key.export_public_key("openssh").decode())


def test_the_refusal_for_a_wrong_name_lists_the_accepted_names_in_the_hubs_order() -> None:
    message = refused_name_message("roster.xlsx")
    assert message.startswith("roster.xlsx is not a file the hub accepts")
    assert "schools.csv, students.csv, teachers.csv, sections.csv, enrollments.csv, staff.csv" in message
