"""Plain SIS exports and hub-format files: each file is classified as a hub kind and its columns mapped."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from wizard.roster import spec
from wizard.roster.issues import IssueLog
from wizard.roster.mapping import (
    FileMapping,
    MappingSpec,
    apply_saved,
    guess_columns,
    kind_from_headers,
    kind_from_name,
)
from wizard.roster.readers import RawTable, UnreadableFile, read_table
from wizard.roster.sources import Source
from wizard.roster.staging import Staged, build_staged
from wizard.tasks import CancelToken, ProgressCallback


@dataclass
class InputSummary:
    """One input file as read: the name the user knows, which hub file it feeds, how it was decoded."""

    name: str
    kind: str
    encoding: str
    delimiter: str | None
    rows: int
    path: Path | None = None
    sheet: str | None = None

    def to_dict(self) -> dict[str, object]:
        return {
            "name": self.name,
            "kind": self.kind,
            "encoding": self.encoding,
            "delimiter": self.delimiter,
            "rows": self.rows,
            **({"sheet": self.sheet} if self.sheet else {}),
        }


@dataclass
class Staging:
    """What every reader (stage_tabular, stage_sds, stage_standard) reports to: the issue log, a summary per
    input, the mapping it used, progress and cancel."""

    log: IssueLog
    inputs: list[InputSummary]
    used: MappingSpec
    progress: ProgressCallback
    cancel: CancelToken | None

    def each(self, sources: list[Source]) -> Iterator[tuple[int, Source]]:
        """The sources one by one with their position, each announced ("Reading <name>"); stops when
        cancelled."""
        for index, source in enumerate(sources):
            if self.cancel is not None:
                self.cancel.raise_if_cancelled()
            self.progress(index, len(sources), f"Reading {source.name}")
            yield index, source

    def done(self, sources: list[Source]) -> None:
        self.progress(len(sources), len(sources), "Files read")


def summarise(raw: RawTable, kind: str) -> InputSummary:
    return InputSummary(raw.name, kind, raw.encoding, raw.delimiter, raw.rows, raw.path, raw.sheet)


def read_source(source: Source, log: IssueLog) -> RawTable | None:
    """The table, or None after logging unreadable_file (the run goes on with the other inputs)."""
    try:
        raw = read_table(source.path, name=source.name)
    except UnreadableFile as error:
        log.add("unreadable_file", source.name, str(error))
        return None
    for row, problem in raw.malformed_rows:
        log.add("malformed_row", raw.name, f"Row {row} {problem}. Check the quoting on that row.", row=row)
    for note in raw.notes:
        log.add(note.code, raw.name, note.message, row=note.row, column=note.column, value=note.value)
    return raw


def classify(
    source: Source, raw: RawTable, overrides: dict[str, Path], saved: MappingSpec | None
) -> str | None:
    """The hub kind of a file: --students F etc. first, then the mapping file, the file name, the headers."""
    for kind, path in overrides.items():
        if _same_file(path, source.path) or path.name == source.name:
            return kind
    if saved is not None and source.name in saved.files:
        return saved.files[source.name].kind
    return kind_from_name(source.name) or kind_from_headers(list(raw.frame.columns))


def _same_file(left: Path, right: Path) -> bool:
    try:
        return left.resolve() == right.resolve()
    except OSError:
        return False


def stage_mapped(raw: RawTable, mapping: FileMapping, log: IssueLog) -> Staged:
    """Rename mapped columns to hub columns; report every column not used."""
    kind = mapping.kind
    for header in mapping.unmapped:
        log.add(
            "unmapped_column",
            raw.name,
            f"Column {header!r} of {raw.name} is not used: it matches no {kind} column. "
            f'Map it in the mapping file if it holds hub data, or map it to "" to silence this.',
            column=header,
        )
    columns: dict[str, pd.Series] = {}
    source_columns: dict[str, str] = {}
    for header, target in mapping.columns.items():
        if target and header in raw.frame.columns:
            columns[target] = raw.frame[header]
            source_columns[target] = header
    rows = raw.frame.index.to_numpy()
    return build_staged(kind, columns, file=raw.name, rows=rows, source_columns=source_columns)


def stage_tabular(
    sources: list[Source],
    *,
    overrides: dict[str, Path],
    saved: MappingSpec | None,
    exact_only: bool,
    staging: Staging,
) -> dict[str, list[Staged]]:
    log, inputs, used, progress = staging.log, staging.inputs, staging.used, staging.progress
    staged: dict[str, list[Staged]] = {}
    for index, source in staging.each(sources):
        raw = read_source(source, log)
        if raw is None:
            continue
        kind = classify(source, raw, overrides, saved)
        if exact_only and kind is not None and source.name != spec.hub_file_name(kind) and not overrides:
            log.add(
                "unclassified_file",
                source.name,
                f"{source.name} is not a hub file name; the hub's names are case-sensitive "
                f"({', '.join(spec.hub_file_name(each) for each in spec.HUB_KINDS)}). Rename it to "
                f"{spec.hub_file_name(kind)} if that is what it is.",
            )
            inputs.append(summarise(raw, ""))
            continue
        if kind is None and source.container is not None:
            log.add(
                "unused_input",
                source.name,
                f"{source.name} (in {source.container}) is not recognisably a hub file, so it is not used. If it "
                f"is, name it after its contents or pass it with --students {source.name} (or --teachers, ...).",
            )
            continue
        if kind is None:
            log.add(
                "unclassified_file",
                source.name,
                f"Cannot tell which hub file {source.name} is from its name or headers. Name it after its "
                f"contents (e.g. students.csv) or say so with --students {source.name} (or --teachers, ...).",
            )
            inputs.append(summarise(raw, ""))
            continue
        headers = [str(column) for column in raw.frame.columns]
        mapping = guess_columns(kind, headers, exact_only=exact_only)
        if saved is not None and source.name in saved.files:
            for header in saved.files[source.name].columns:
                if header not in headers:
                    log.add(
                        "invalid_mapping",
                        source.name,
                        f"The mapping names a column {header!r} that {source.name} does not have; that line of "
                        "the mapping is not used. Check the header's spelling or remove the line.",
                        column=header,
                    )
            mapping = apply_saved(mapping, saved.files[source.name], headers)
            mapping.kind = kind
        used.files[source.name] = mapping
        inputs.append(summarise(raw, kind))
        progress(index, len(sources), f"Trimming the values of {source.name}")  # seconds on a big file
        staged.setdefault(kind, []).append(stage_mapped(raw, mapping, log))
    staging.done(sources)
    return staged
