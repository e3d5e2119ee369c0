"""Fast set and lookup operations on text columns, done in Arrow.

pandas' `isin` and `map` on pyarrow-backed strings go through Python objects for the lookup side; on millions
of ids that costs seconds each. These helpers stay in Arrow kernels (hash-based, vectorised) and zero-copy.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc


def arrow(series: pd.Series) -> pa.ChunkedArray:
    """The Arrow data behind a text Series (zero-copy for pyarrow-backed strings)."""
    array = series.array
    if hasattr(array, "__arrow_array__"):
        data = array.__arrow_array__()
        chunked = data if isinstance(data, pa.ChunkedArray) else pa.chunked_array([data])
    else:
        chunked = pa.chunked_array([pa.array(series.astype(object).to_numpy(), type=pa.large_string())])
    return chunked.cast(pa.large_string()) if chunked.type != pa.large_string() else chunked


def from_arrow(data: pa.Array | pa.ChunkedArray, index: pd.Index | None = None) -> pd.Series:
    """A text Series ("" for nulls) over Arrow data."""
    filled = pc.fill_null(data.cast(pa.large_string()), "")
    chunked = filled if isinstance(filled, pa.ChunkedArray) else pa.chunked_array([filled])
    series: pd.Series = chunked.to_pandas()
    if index is not None:
        series.index = index
    return series.astype("str")


def empty_text(length: int, index: pd.Index | None = None) -> pd.Series:
    """`length` empty strings, built from buffers (all offsets zero), not string by string."""
    offsets = pa.py_buffer(np.zeros(length + 1, dtype=np.int64))
    return from_arrow(pa.LargeStringArray.from_buffers(length, offsets, pa.py_buffer(b"")), index)


def isin(values: pd.Series, candidates: pd.Series) -> np.ndarray:
    """Per value: is it among `candidates`? (a boolean array aligned with `values`)"""
    if len(values) == 0:
        return np.zeros(0, dtype=bool)
    value_set = pc.unique(arrow(candidates))
    if isinstance(value_set, pa.ChunkedArray):
        value_set = value_set.combine_chunks()
    found = pc.is_in(arrow(values), value_set=value_set)
    return np.asarray(found.to_numpy(zero_copy_only=False), dtype=bool)


def lookup(values: pd.Series, keys: pd.Series, targets: pd.Series) -> pd.Series:
    """For each value, the target beside the first equal key ("" when there is none); index of `values`."""
    if len(values) == 0:
        return pd.Series([], index=values.index, dtype="str")
    key_array = arrow(keys).combine_chunks()
    positions = pc.index_in(arrow(values), value_set=key_array)
    taken = pc.take(arrow(targets), positions)
    return from_arrow(taken, values.index)


def matches(series: pd.Series, pattern: str) -> np.ndarray:
    """Per value: does the RE2 `pattern` match somewhere in it? (anchor it with ^ and $ as needed)"""
    if len(series) == 0:
        return np.zeros(0, dtype=bool)
    found = pc.fill_null(pc.match_substring_regex(arrow(series), pattern), False)
    return np.asarray(found.to_numpy(zero_copy_only=False), dtype=bool)


def starts_with_any(series: pd.Series, prefixes: tuple[str, ...]) -> np.ndarray:
    result = np.zeros(len(series), dtype=bool)
    data = arrow(series)
    for prefix in prefixes:
        found = pc.fill_null(pc.starts_with(data, prefix), False)
        result |= np.asarray(found.to_numpy(zero_copy_only=False), dtype=bool)
    return result


@dataclass(frozen=True)
class Encoded:
    """A text column as integer codes into its distinct values: per-value checks and set lookups run over the
    distinct values (a few hundred thousand ids) and reach every row with one numpy take."""

    codes: np.ndarray  # per row, a position in `uniques`
    uniques: pd.Series  # the distinct values, in order of first appearance

    def spread(self, per_unique: np.ndarray) -> np.ndarray:
        """A per-distinct-value result as a per-row one."""
        spread: np.ndarray = np.asarray(per_unique)[self.codes]
        return spread


def encode(series: pd.Series) -> Encoded:
    """Dictionary-encode a text column in Arrow (nulls read as "")."""
    if len(series) == 0:
        return Encoded(np.zeros(0, dtype=np.int32), pd.Series([], dtype="str"))
    encoded = pc.dictionary_encode(pc.fill_null(arrow(series), ""))
    chunked = encoded if isinstance(encoded, pa.ChunkedArray) else pa.chunked_array([encoded])
    # Arrow encodes a chunked array against one shared dictionary; unify only if a version ever does not
    if chunked.num_chunks > 1 and any(
        chunk.dictionary is not chunked.chunks[0].dictionary
        and not chunk.dictionary.equals(chunked.chunks[0].dictionary)
        for chunk in chunked.chunks[1:]
    ):
        chunked = chunked.unify_dictionaries()
    chunks = [chunk for chunk in chunked.chunks if len(chunk)] or chunked.chunks[:1]
    codes = np.concatenate(
        [np.asarray(chunk.indices.to_numpy(zero_copy_only=False), dtype=np.int32) for chunk in chunks]
    )
    return Encoded(codes, from_arrow(chunks[0].dictionary))
