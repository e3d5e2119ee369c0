"""What the hub's choices mean, in the admin's words (shared by the pages that show them)."""

from __future__ import annotations

# value sent to the hub -> (label with mnemonic, one sentence on what it means for the district)
IDENTITY_PROVIDERS: dict[str, tuple[str, str]] = {
    "clever_passwords": (
        "&Hub passwords",
        "The hub creates a password for every student and teacher; you hand them out and reset them.",
    ),
    "google": (
        "&Google",
        "Everyone signs in with their district Google account; the emails in your SIS must match.",
    ),
    "microsoft": (
        "&Microsoft (Entra ID)",
        "Everyone signs in with their district Microsoft account; the emails in your SIS must match.",
    ),
    "saml": (
        "&SAML single sign-on",
        "Your own identity provider signs people in; your IT team sets up the SAML trust.",
    ),
    "badges": (
        "&Badges (QR codes)",
        "Young students sign in by showing a printed QR code to the camera; you print and hand out badges.",
    ),
}
SYNC_METHODS: dict[str, tuple[str, str]] = {
    "clever_managed": (
        "Hub-managed &auto sync",
        "The hub connects to your SIS with read-only credentials and syncs every night; nothing to upload.",
    ),
    "sis_managed": (
        "S&IS-managed auto sync",
        "Your SIS pushes changes to the hub on its own schedule; you turn it on in your SIS's settings.",
    ),
    "sftp": (
        "File &upload (SFTP or this wizard)",
        "You upload roster files yourself, at most hourly; the hub processes them about 5 minutes after.",
    ),
}
