"""Writing CSV files fast and atomically: RFC 4180 (quotes only where needed, CRLF), UTF-8 without BOM.

pyarrow's own writer quotes every string; the hub asks for quotes only when needed, so each batch's lines are
built with pyarrow compute kernels and their bytes written straight from the Arrow buffer.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import BinaryIO

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv

from wizard.fileio import atomic_writer

BATCH_ROWS = 256 * 1024
LINE_END = "\r\n"


_SPECIAL_BYTES = np.frombuffer(b'",\r\n', dtype=np.uint8)


def _has_special_bytes(text: pa.Array) -> bool:
    """Does any value contain a quote, comma or line break? Scans the raw bytes, no per-value work."""
    offsets_buffer, data = text.buffers()[1], text.buffers()[2]
    if data is None or offsets_buffer is None or len(text) == 0:
        return False
    offsets = np.frombuffer(offsets_buffer, dtype=np.int64)
    start, end = int(offsets[text.offset]), int(offsets[text.offset + len(text)])
    raw = np.frombuffer(data, dtype=np.uint8)[start:end]
    return bool(np.isin(raw, _SPECIAL_BYTES).any())


def _quote_if_needed(column: pa.Array) -> pa.Array:
    text = pc.fill_null(column.cast(pa.large_string()), "")
    if not _has_special_bytes(text):
        return text
    needs = pc.match_substring_regex(text, r'[",\r\n]')
    quote = pa.scalar('"', pa.large_string())
    empty = pa.scalar("", pa.large_string())
    quoted = pc.binary_join_element_wise(quote, pc.replace_substring(text, '"', '""'), quote, empty)
    return pc.if_else(needs, quoted, text)


def _quote_text(value: str) -> str:
    return '"' + value.replace('"', '""') + '"' if any(char in value for char in '",\r\n') else value


_PLAIN = pacsv.WriteOptions(quoting_style="none", eol=LINE_END, include_header=False)


def _write_batch(stream: BinaryIO, batch: pa.RecordBatch) -> None:
    texts = [
        pc.fill_null(batch.column(index).cast(pa.large_string()), "") for index in range(batch.num_columns)
    ]
    if texts and not any(_has_special_bytes(text) for text in texts):
        # nothing to quote (the usual case): Arrow's own writer, the same bytes several times faster
        plain = pa.RecordBatch.from_arrays(texts, names=[str(index) for index in range(len(texts))])
        pacsv.write_csv(plain, stream, _PLAIN)
        return
    cells = [_quote_if_needed(text) for text in texts]
    comma = pa.scalar(",", pa.large_string())
    lines = pc.binary_join_element_wise(*cells, comma) if len(cells) > 1 else cells[0]
    empty = pa.scalar("", pa.large_string())
    lines = pc.binary_join_element_wise(lines, empty, pa.scalar(LINE_END, pa.large_string()))
    lines = lines.cast(pa.large_string())
    offsets = np.frombuffer(lines.buffers()[1], dtype=np.int64)[lines.offset : lines.offset + len(lines) + 1]
    data = lines.buffers()[2]
    if data is not None and len(offsets):
        stream.write(memoryview(data)[int(offsets[0]) : int(offsets[-1])])


def write_frame_csv(
    frame: pd.DataFrame,
    path: Path,
    columns: Sequence[str] | None = None,
    *,
    keep: np.ndarray | None = None,
) -> None:
    """Write `frame` (text columns) as CSV to `path` atomically; the header is `columns` (default: all).

    `keep`: a boolean per row (by position); only those rows are written (filtered in Arrow, no copy of the frame).
    """
    names = list(columns) if columns is not None else [str(column) for column in frame.columns]
    table = pa.Table.from_pandas(frame[names].astype("str"), preserve_index=False)
    kept = None if keep is None else np.asarray(keep, dtype=bool)
    with atomic_writer(path) as stream:
        stream.write((",".join(_quote_text(name) for name in names) + LINE_END).encode("utf-8"))
        start = 0
        for batch in table.to_batches(max_chunksize=BATCH_ROWS):
            if kept is not None:  # filtered batch by batch: no filtered copy of the whole table
                rows = batch.num_rows
                batch = batch.filter(pa.array(kept[start : start + rows]))
                start += rows
            if batch.num_rows:
                _write_batch(stream, batch)
