"""Vectorised clean-ups used for matching: names, grades, dates, ids."""

from __future__ import annotations

import functools
from collections.abc import Callable

import numpy as np
import pandas as pd

from wizard.roster.issues import FORMULA_PREFIXES
from wizard.roster.issues import neutralise_formulas as neutralise_column

# Letters that Unicode decomposition does not reduce to an ASCII base letter.
_EXTRA_LETTERS = str.maketrans(
    {
        "ł": "l",
        "Ł": "l",
        "ø": "o",
        "Ø": "o",
        "đ": "d",
        "Đ": "d",
        "ð": "d",
        "æ": "ae",
        "Æ": "ae",
        "œ": "oe",
        "Œ": "oe",
        "þ": "th",
        "Þ": "th",
        "ı": "i",
        "ß": "ss",
    }
)
_COMBINING_MARKS = r"[\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f]"


def text(series: pd.Series) -> pd.Series:
    """Any column as trimmed text, with "" for missing."""
    return series.astype("string").fillna("").str.strip()


def on_distinct(function: Callable[[pd.Series], pd.Series]) -> Callable[[pd.Series], pd.Series]:
    """Run a costly text clean-up once per distinct value: names and dates repeat a lot in a district."""

    @functools.wraps(function)
    def wrapper(series: pd.Series) -> pd.Series:
        codes, distinct = pd.factorize(text(series))
        cleaned = function(pd.Series(distinct, dtype="string")).to_numpy(dtype=object)
        values = cleaned.take(codes) if len(cleaned) else np.full(len(codes), "", dtype=object)
        return pd.Series(values, index=series.index, dtype="string")

    return wrapper


@on_distinct
def name_key(series: pd.Series) -> pd.Series:
    """A name reduced for comparison: accents, case, hyphens, apostrophes and spaces do not count.

    "José-María  O'Neil" and "jose maria oneil" give the same key.
    """
    folded = (
        series.str.normalize("NFKD")
        .str.replace(_COMBINING_MARKS, "", regex=True)
        .str.translate(_EXTRA_LETTERS)
        .str.casefold()
    )
    return folded.str.replace(r"[\W_]+", "", regex=True)


@on_distinct
def ascii_letters(series: pd.Series) -> pd.Series:
    """The ASCII letters a username may be built from (digits are kept for the suffix only)."""
    return name_key(series).str.replace(r"[^a-z]+", "", regex=True)


def id_key(series: pd.Series) -> pd.Series:
    """An id as compared: trimmed, case-insensitive; leading zeros are significant (ids are text)."""
    return text(series).str.casefold()


def number_key(series: pd.Series) -> pd.Series:
    """A student number or state id as compared: also ignores spaces and dashes people type in them."""
    return id_key(series).str.replace(r"[\s\-]+", "", regex=True)


@on_distinct
def iso_date(series: pd.Series) -> pd.Series:
    """Dates as YYYY-MM-DD text; reads MM/DD/YYYY (the hub's), M/D/YYYY and ISO. "" when unreadable."""
    raw = series
    us = pd.to_datetime(raw, format="%m/%d/%Y", errors="coerce")
    iso = pd.to_datetime(raw.str.slice(0, 10), format="%Y-%m-%d", errors="coerce")
    parsed = us.fillna(iso)
    return parsed.dt.strftime("%Y-%m-%d").astype("string").fillna("")


# Spellings of the early grades seen in exports, and the hub grade they mean.
_GRADE_ALIASES = {
    "k": "Kindergarten",
    "kg": "Kindergarten",
    "pk": "PreKindergarten",
    "tk": "TransitionalKindergarten",
}


def grade_key(series: pd.Series, vendor_grades: dict[str, str]) -> pd.Series:
    """A grade as compared, in the vendor's codes: the hub's "Kindergarten", Symphony's "K" and a sloppy
    "kg" agree, and so do "03" and "3". Grades the vendor does not know are compared as written."""
    hub_to_vendor = {hub.casefold(): vendor.casefold() for hub, vendor in vendor_grades.items()}
    vendor_codes = set(hub_to_vendor.values())
    folded = text(series).str.casefold()
    is_code = folded.isin(list(vendor_codes))
    aliases = {alias: hub.casefold() for alias, hub in _GRADE_ALIASES.items()}
    as_hub = folded.map(aliases).astype("string").fillna(folded)
    translated = as_hub.map(hub_to_vendor).astype("string").fillna(folded)
    key = folded.where(is_code, translated)
    return key.where(~key.str.fullmatch(r"0+\d+"), key.str.lstrip("0"))


FORMULA_START = FORMULA_PREFIXES


def looks_like_formula(series: pd.Series) -> pd.Series:
    return text_raw(series).str.startswith(FORMULA_START)


def without_formulas(series: pd.Series) -> pd.Series:
    """Text with "" where a value looks like a spreadsheet formula: such a value is reported, and never used to
    build something else (an initial, a username)."""
    trimmed = text(series)
    return trimmed.where(~(looks_like_formula(series) | trimmed.str.startswith(FORMULA_START)), "")


def text_raw(series: pd.Series) -> pd.Series:
    """Text without trimming (a leading tab matters for formula checks)."""
    return series.astype("string").fillna("")


def neutralise_formulas(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy for spreadsheets: cells that a spreadsheet would run as a formula get a leading apostrophe."""
    safe = frame.copy()
    for column in safe.columns:
        safe[column] = neutralise_column(text_raw(safe[column]))
    return safe


def unneutralise(series: pd.Series) -> pd.Series:
    """Undo `neutralise_formulas` on text read back from a report."""
    values = text_raw(series)
    guarded = values.str.startswith("'") & values.str.slice(1).str.startswith(FORMULA_START)
    return values.where(~guarded, values.str.slice(1))


def header_key(header: str) -> str:
    """A column header as compared: "External ID", "external_id" and "ExternalID" are the same."""
    return "".join(ch for ch in str(header).casefold() if ch.isalnum() or ch == "#")
