"""Normalising one column at a time: grades, dates, emails and vocabularies to what the hub writes.

Each function works on the column's distinct values (a million students share a few thousand birthdays and a
dozen grades), so the Python work is per distinct value and the per-row work is a vectorised take.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal

import numpy as np
import pandas as pd
import pyarrow as pa

from wizard.roster import spec
from wizard.roster.arrowtext import from_arrow, matches

DateOrder = Literal["mdy", "dmy"]

_ISO = re.compile(r"^(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})(?:[T ][0-9:.+\-Z]*)?$")
_BASIC = re.compile(r"^(\d{4})(\d{2})(\d{2})$")
_NUMERIC = re.compile(r"^(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{4})(?: 0?0:00(?::00)?)?$")
EMAIL_PATTERN = r"^[^@\s<>(),;:\"\[\]]+@[^@\s<>(),;:\"\[\]]+\.[^@\s<>(),;:\"\[\]]+$"

OK, INVALID, AMBIGUOUS = 0, 1, 2


@dataclass
class Normalised:
    """A column after normalising, with per-row status: OK, INVALID or AMBIGUOUS (dates only)."""

    values: pd.Series
    status: np.ndarray

    @property
    def invalid(self) -> np.ndarray:
        return np.asarray(self.status == INVALID)

    @property
    def ambiguous(self) -> np.ndarray:
        return np.asarray(self.status == AMBIGUOUS)


def map_distinct(series: pd.Series, convert: Callable[[str], tuple[str, int]]) -> Normalised:
    """Apply `convert` (text -> (new text, status)) once per distinct value and spread the results."""
    codes, uniques = pd.factorize(series, use_na_sentinel=True)
    converted = [convert(str(value)) for value in uniques]
    texts = pa.array([text for text, _ in converted] + [""], pa.large_string())
    statuses = np.array([status for _, status in converted] + [OK], dtype=np.int8)
    values = from_arrow(texts.take(pa.array(codes, pa.int64())), series.index)
    return Normalised(values, statuses[codes])


def _grade(value: str) -> tuple[str, int]:
    if not value:
        return "", OK
    written = spec.grade_lookup().get(spec.normalise_token(value))
    if written is None:
        stripped = value.lstrip("0")
        written = spec.grade_lookup().get(spec.normalise_token(stripped)) if stripped != value else None
    return (written, OK) if written is not None else (value, INVALID)


def normalise_grades(series: pd.Series) -> Normalised:
    return map_distinct(series, _grade)


def normalise_vocabulary(series: pd.Series, name: str) -> Normalised:
    lookup = spec.vocabulary(name).lookup

    def convert(value: str) -> tuple[str, int]:
        if not value:
            return "", OK
        written = lookup.get(spec.normalise_token(value))
        return (written, OK) if written is not None else (value, INVALID)

    return map_distinct(series, convert)


def parse_date(value: str, order: DateOrder | None) -> tuple[str, int]:
    """One date as MM/DD/YYYY with its status; the text is kept as given when it is not a date."""
    if not value:
        return "", OK
    if match := _ISO.match(value) or _BASIC.match(value):
        year, month, day = (int(part) for part in match.groups())
        return _format(year, month, day, value)
    if match := _NUMERIC.match(value):
        first, second, year = (int(part) for part in match.groups())
        mdy_ok = _valid(year, first, second)
        dmy_ok = _valid(year, second, first)
        if mdy_ok and dmy_ok and first != second:
            if order == "dmy":
                return _format(year, second, first, value)
            month_first = _format(year, first, second, value)
            return (month_first[0], OK if order == "mdy" else AMBIGUOUS)
        if mdy_ok:
            return _format(year, first, second, value)
        if dmy_ok:
            return _format(year, second, first, value)
    return value, INVALID


# Which orders a date can be read in: ISO, empty or not a date at all do not depend on the order.
ANY_ORDER, MDY_ONLY, DMY_ONLY, EITHER_ORDER = 0, 1, 2, 3


def date_reading(value: str) -> int:
    """Whether `value` (d/m/yyyy-like) reads only month first, only day first, either way, or regardless."""
    match = _NUMERIC.match(value)
    if match is None:
        return ANY_ORDER
    first, second, year = (int(part) for part in match.groups())
    mdy_ok = _valid(year, first, second)
    dmy_ok = _valid(year, second, first)
    if mdy_ok and dmy_ok:
        return EITHER_ORDER if first != second else ANY_ORDER
    if mdy_ok:
        return MDY_ONLY
    return DMY_ONLY if dmy_ok else ANY_ORDER


def date_readings(series: pd.Series) -> np.ndarray:
    """`date_reading` of every value, worked out once per distinct value."""
    codes, uniques = pd.factorize(series, use_na_sentinel=True)
    readings = np.array([date_reading(str(value)) for value in uniques] + [ANY_ORDER], dtype=np.int8)
    return readings[codes]


def _valid(year: int, month: int, day: int) -> bool:
    try:
        dt.date(year, month, day)
    except ValueError:
        return False
    return True


def _format(year: int, month: int, day: int, original: str) -> tuple[str, int]:
    if not _valid(year, month, day) or year < 1900 or year > 2100:
        return original, INVALID
    return f"{month:02d}/{day:02d}/{year:04d}", OK


def normalise_dates(series: pd.Series, order: DateOrder | None) -> Normalised:
    return map_distinct(series, lambda value: parse_date(value, order))


def normalise_emails(series: pd.Series) -> Normalised:
    """Lower-cased; a non-empty value that is not an address is INVALID (and kept as given)."""
    lowered = series.str.lower()
    valid = matches(lowered, EMAIL_PATTERN) | (lowered == "").to_numpy()
    values = lowered.where(valid, series)
    return Normalised(values, np.where(valid, OK, INVALID).astype(np.int8))
