from __future__ import annotations

import csv
import io
import tempfile
from pathlib import Path

import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

from wizard.roster.csvout import write_frame_csv

cells = st.text(
    alphabet=st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00"), max_size=12
)


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(cells, cells), max_size=20))
def test_written_csv_reads_back_exactly(rows: list[tuple[str, str]]) -> None:
    frame = pd.DataFrame(rows or [], columns=["a,b", 'q"'], dtype="str")
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "out.csv"
        write_frame_csv(frame, path)
        data = path.read_bytes()
    parsed = list(csv.reader(io.StringIO(data.decode("utf-8"), newline="")))
    assert parsed[0] == ["a,b", 'q"']
    assert [tuple(row) for row in parsed[1:]] == [tuple(row) for row in rows]


def test_quotes_only_when_needed(tmp_path: Path) -> None:
    frame = pd.DataFrame({"id": ["007", "x,y", 'say "hi"', "=1+2", ""]}, dtype="str")
    write_frame_csv(frame, tmp_path / "o.csv")
    assert (tmp_path / "o.csv").read_bytes() == b'id\r\n007\r\n"x,y"\r\n"say ""hi"""\r\n=1+2\r\n\r\n'
