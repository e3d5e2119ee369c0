"""Initial passwords for new vendor accounts, and spotting passwords that are really birth dates."""

from __future__ import annotations

import os

import numpy as np
import pandas as pd

from wizard.roster.vendor.normalise import iso_date, text

# 32 characters without look-alikes (no l, o, 0, 1), so 256 % 32 == 0 and every byte maps without bias.
ALPHABET = np.array(list("abcdefghijkmnpqrstuvwxyz23456789"))

_DATE_SHAPE = r"\d{1,2}[/.\-]\d{1,2}[/.\-](\d{2}|\d{4})|\d{4}[/.\-]\d{1,2}[/.\-]\d{1,2}"


def generate_passwords(count: int, length: int) -> list[str]:
    """`count` random passwords from the operating system's secure random source."""
    if count == 0:
        return []
    raw = np.frombuffer(os.urandom(count * length), dtype=np.uint8) % len(ALPHABET)
    letters = ALPHABET[raw].reshape(count, length)
    return ["".join(row) for row in letters]


def looks_like_birth_date(passwords: pd.Series, birth_dates: pd.Series) -> pd.Series:
    """True where a password is written like a date, or is the student's own birth date in a common form."""
    value = text(passwords)
    shaped = value.str.fullmatch(_DATE_SHAPE)
    iso = iso_date(birth_dates)
    year, month, day = iso.str.slice(0, 4), iso.str.slice(5, 7), iso.str.slice(8, 10)
    own_forms = [
        month + day + year,
        year + month + day,
        day + month + year,
        month + day + year.str.slice(2, 4),
        day + month + year.str.slice(2, 4),
    ]
    own = pd.Series(False, index=value.index)
    for form in own_forms:
        own |= (iso != "") & (value == form)
    return (shaped | own).fillna(False).astype(bool)
