"""Which hub file each input is, and which of its columns feeds which hub column.

Guessed from file names and headers with the synonym table in resources/roster_synonyms.toml; what cannot be
guessed is written down in a mapping file (TOML or JSON) the user edits and passes back with --mapping:

    [files."Student Export.csv"]
    kind = "students"
    [files."Student Export.csv".columns]
    "Stu #" = "Student_id"
    "Notes" = ""            # explicitly ignored (not reported as unmapped)
"""

from __future__ import annotations

import json
import tomllib
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from wizard.errors import UserFacingError
from wizard.fileio import write_text_atomically
from wizard.roster import spec


class MappingFileError(UserFacingError):
    """The mapping file cannot be read or does not describe a mapping."""


@dataclass
class FileMapping:
    kind: str
    columns: dict[str, str] = field(default_factory=dict)  # input header -> hub column ("" = ignore)
    unmapped: tuple[str, ...] = ()  # headers with no hub column (reported; not saved)


@dataclass
class MappingSpec:
    files: dict[str, FileMapping] = field(default_factory=dict)  # input file name -> its mapping

    def to_dict(self) -> dict[str, Any]:
        return {
            "files": {
                name: {"kind": mapping.kind, "columns": dict(mapping.columns)}
                for name, mapping in self.files.items()
            }
        }

    @classmethod
    def from_dict(cls, data: Any, *, source: str = "the mapping") -> MappingSpec:
        if not isinstance(data, dict) or not isinstance(data.get("files", {}), dict):
            raise MappingFileError(f"{source} has no [files] table.", _MAPPING_HINT)
        files: dict[str, FileMapping] = {}
        for name, entry in data.get("files", {}).items():
            if not isinstance(entry, dict):
                raise MappingFileError(f"{source}: the entry for {name!r} is not a table.", _MAPPING_HINT)
            kind = entry.get("kind", "")
            if kind not in spec.HUB_KINDS:
                raise MappingFileError(
                    f"{source}: {name!r} has kind {kind!r}, which is not a hub file.",
                    f"Use one of: {', '.join(spec.HUB_KINDS)}.",
                )
            columns = entry.get("columns", {})
            if not isinstance(columns, dict) or not all(
                isinstance(key, str) and isinstance(value, str) for key, value in columns.items()
            ):
                raise MappingFileError(
                    f"{source}: the columns of {name!r} must map header text to a hub column name.",
                    _MAPPING_HINT,
                )
            allowed = set(spec.hub_columns(kind))
            for header, target in columns.items():
                if target and target not in allowed:
                    raise MappingFileError(
                        f"{source}: {name!r} maps {header!r} to {target!r}, which is not a {kind} column.",
                        f'Use one of: {", ".join(spec.hub_columns(kind))}, or "" to ignore the column.',
                    )
            files[str(name)] = FileMapping(kind=kind, columns=dict(columns))
        return cls(files=files)


_MAPPING_HINT = 'Write it like: [files."Students.csv"] kind = "students" and [files."Students.csv".columns] "Stu #" = "Student_id".'


MAX_MAPPING_BYTES = 1024 * 1024  # a mapping names a few files and their columns: a few KB


def load_mapping(path: Path) -> MappingSpec:
    """Read a mapping file (.toml or .json). Raises MappingFileError with a message for a person."""
    from wizard.roster.readers import display_name, regular_file_problem  # the readers load pandas

    shown = display_name(path)
    problem = regular_file_problem(path, f"The mapping file {shown}")
    if problem is not None:
        hint = "Check the path." if "not found" in problem else "Give the mapping file itself."
        raise MappingFileError(problem.replace("file not found", "does not exist"), hint)
    try:
        if path.stat().st_size > MAX_MAPPING_BYTES:
            raise MappingFileError(
                f"The mapping file {shown} is larger than {MAX_MAPPING_BYTES // 1024:,} KB; a mapping is a few KB.",
                "Check that it is the mapping file (" + _MAPPING_HINT + ")",
            )
        raw = path.read_bytes()
    except OSError as error:
        raise MappingFileError(f"The mapping file {shown} cannot be read: {error.strerror}.", "") from error
    kind = "JSON" if path.suffix.lower() == ".json" else "TOML"
    try:
        if kind == "JSON":
            data = json.loads(raw.decode("utf-8-sig"))
        else:
            data = tomllib.loads(raw.decode("utf-8-sig"))
    except (json.JSONDecodeError, tomllib.TOMLDecodeError, UnicodeDecodeError) as error:
        raise MappingFileError(
            f"The mapping file {display_name(path.name)} is not valid {kind}: {error}.", _MAPPING_HINT
        ) from error
    except RecursionError as error:
        raise MappingFileError(
            f"The mapping file {display_name(path.name)} is nested too deeply to be a mapping.", _MAPPING_HINT
        ) from error
    try:
        return MappingSpec.from_dict(data, source=f"The mapping file {display_name(path.name)}")
    except MappingFileError:
        raise
    except (TypeError, ValueError, AttributeError) as error:
        raise MappingFileError(
            f"The mapping file {display_name(path.name)} does not describe a mapping ({error}).",
            _MAPPING_HINT,
        ) from error


def save_mapping(mapping: MappingSpec, path: Path) -> None:
    """Write the mapping as TOML (or JSON for a .json path), atomically."""
    if path.suffix.lower() == ".json":
        text = json.dumps(mapping.to_dict(), indent=2, ensure_ascii=False) + "\n"
    else:
        text = _to_toml(mapping)
    write_text_atomically(path, text)


def _toml_string(text: str) -> str:
    # JSON's string escapes (\" \\ \n \uXXXX) are valid TOML basic-string escapes.
    return json.dumps(text, ensure_ascii=False)


def _to_toml(mapping: MappingSpec) -> str:
    lines = ["# Roster mapping: which hub file each input is, and which column feeds which hub column.", ""]
    for name, entry in mapping.files.items():
        key = _toml_string(name)
        lines += [f"[files.{key}]", f"kind = {_toml_string(entry.kind)}", "", f"[files.{key}.columns]"]
        lines += [
            f"{_toml_string(header)} = {_toml_string(target)}" for header, target in entry.columns.items()
        ]
        lines.append("")
    return "\n".join(lines)


# --- guessing ---------------------------------------------------------------------------------------------


def kind_from_name(file_name: str) -> str | None:
    """The hub kind a file name suggests ("Student Export.csv" -> students), or None."""
    stem = spec.normalise_token(Path(file_name).stem)
    for kind in spec.HUB_KINDS:
        if stem == spec.normalise_token(Path(spec.hub_file_name(kind)).stem):
            return kind
    for kind, keywords in spec.file_keywords():
        if any(keyword in stem for keyword in keywords):
            return kind
    return None


def kind_from_headers(headers: Sequence[str]) -> str | None:
    """The hub kind whose own id/reference headers the file has most of, or None when nothing fits."""
    tokens = {spec.normalise_token(header) for header in headers}
    best, best_score = None, 0.0
    for kind in spec.HUB_KINDS:
        kind_spec = spec.kind_spec(kind)
        synonyms = spec.field_synonyms(kind)
        key_fields = [*kind_spec.required, *kind_spec.recommended]
        score = sum(1.0 for column in key_fields if set(synonyms[column][:3]) & tokens)
        score += 0.1 * sum(1 for column in kind_spec.columns if set(synonyms[column]) & tokens)
        exact = sum(1 for column in kind_spec.columns if column in headers)
        score += exact
        # an enrollment file is little more than its three ids: prefer it when nothing else is there
        if kind == "enrollments" and len(tokens) > 4:
            score -= 2
        if score > best_score:
            best, best_score = kind, score
    return best if best_score >= 1 else None


def guess_columns(kind: str, headers: Sequence[str], *, exact_only: bool = False) -> FileMapping:
    """Map headers to hub columns: the exact hub header first, then synonyms, required fields choosing first."""
    kind_spec = spec.kind_spec(kind)
    synonyms = spec.field_synonyms(kind)
    free = {header: spec.normalise_token(header) for header in headers}
    chosen: dict[str, str] = {}
    for column in kind_spec.columns:  # exact headers always win
        if column in free:
            chosen[column] = column
            del free[column]
    if not exact_only:
        ordered = [*kind_spec.required, *kind_spec.recommended]
        ordered += [column for column in kind_spec.columns if column not in ordered]
        for column in ordered:
            if column in chosen.values():
                continue
            for synonym in synonyms[column]:
                header = next((header for header, token in free.items() if token == synonym), None)
                if header is not None:
                    chosen[header] = column
                    del free[header]
                    break
    return FileMapping(
        kind=kind, columns=chosen, unmapped=tuple(header for header in headers if header in free)
    )


def apply_saved(guess: FileMapping, saved: FileMapping, headers: Sequence[str]) -> FileMapping:
    """The user's saved choices win; other headers keep their guess unless that hub column is taken."""
    columns = {header: target for header, target in saved.columns.items() if header in headers}
    taken = {target for target in columns.values() if target}
    for header, target in guess.columns.items():
        if header not in columns and target not in taken and saved.kind == guess.kind:
            columns[header] = target
            taken.add(target)
    unmapped = tuple(header for header in headers if header not in columns)
    return FileMapping(kind=saved.kind, columns=columns, unmapped=unmapped)
