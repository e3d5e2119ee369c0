"""Turning the inputs a user names (files, folders, zips) into a flat list of table files, and recognising the
input format: the hub's own set, OneRoster 1.1 or 1.2, Microsoft SDS v1 or v2.1, or plain SIS exports."""

from __future__ import annotations

import zipfile
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from wizard.errors import UsageError
from wizard.roster import spec
from wizard.roster.readers import UnreadableFile, display_name, read_header, read_table, regular_file_problem

TABLE_SUFFIXES = {".csv", ".tsv", ".txt", ".tab", ".xlsx", ".xlsm"}
ONEROSTER_FILES = ("orgs", "users", "classes", "courses", "enrollments", "academicsessions", "demographics")
SDS_FILES = ("school", "section", "student", "teacher", "studentenrollment", "teacherroster")
# Zip bombs and pathological inputs are refused before they take memory or time: a roster is a handful of
# files; its text compresses maybe tenfold, never a hundredfold past the first megabyte.
MAX_ZIP_BYTES = 2 * 1024**3  # unpacked table files per zip, declared and as actually read
MAX_ZIP_RATIO = 100  # unpacked / packed size of one member ...
RATIO_FREE_BYTES = 1024 * 1024  # ... once it unpacks to more than this
MAX_FILES_PER_INPUT = 500  # table files in one folder or zip
_CHUNK = 1024 * 1024


class ZipRefused(Exception):
    """A zip that is refused before or while it is unpacked; the message says why, for a person."""


@dataclass
class Source:
    """One table file: `name` is how the user knows it (e.g. "users.csv" inside a zip), `path` where it is."""

    name: str
    path: Path
    container: str | None = None  # the folder or zip it came from

    @property
    def stem(self) -> str:
        return spec.normalise_token(Path(self.name).stem)


@dataclass
class InputSet:
    sources: list[Source] = field(default_factory=list)
    # (code, file, message) for inputs that could not be opened at all
    problems: list[tuple[str, str, str]] = field(default_factory=list)
    has_manifest: bool = False


def expand_inputs(paths: Sequence[Path], workdir: Path) -> InputSet:
    """Files as they are, folders by their table files (not recursive), zips extracted into `workdir`."""
    result = InputSet()
    for path in paths:
        shown = display_name(path)
        if not path.exists():
            raise UsageError(f"The input {shown} does not exist.", "Check the path and try again.")
        if path.is_dir():
            _add_folder(result, path)
            continue
        problem = regular_file_problem(path, display_name(path.name))
        if problem is not None:  # a FIFO would hang, /dev/zero would never end: decided without opening
            result.problems.append(
                ("unreadable_file", display_name(path.name), f"{problem} Give the export file.")
            )
        elif path.suffix.lower() == ".zip" or (
            zipfile.is_zipfile(path) and path.suffix.lower() not in TABLE_SUFFIXES
        ):
            _add_zip(result, path, workdir)
        else:
            result.sources.append(Source(display_name(path.name), path))
    return _without_repeats(result)


def _without_repeats(result: InputSet) -> InputSet:
    """A file named twice (say in a folder and again with --students) is read once."""
    seen: set[Path] = set()
    unique: list[Source] = []
    for source in result.sources:
        key = source.path.resolve()
        if key not in seen:
            seen.add(key)
            unique.append(source)
    result.sources = unique
    return result


def _add_folder(result: InputSet, folder: Path) -> None:
    found: list[Source] = []
    for path in sorted(folder.iterdir()):
        if path.name.startswith(".") or not path.is_file():  # is_file(): FIFOs and devices are skipped
            continue
        if path.name.lower() == "manifest.csv":
            result.has_manifest = True
        if path.suffix.lower() in TABLE_SUFFIXES:
            found.append(Source(display_name(path.name), path, container=display_name(folder.name)))
    if len(found) > MAX_FILES_PER_INPUT:
        result.problems.append(
            (
                "unreadable_file",
                display_name(folder.name),
                f"The folder {display_name(folder)} holds {len(found):,} table files; a roster export has a "
                f"handful (at most {MAX_FILES_PER_INPUT:,} are read from one folder). Give the folder that "
                "holds only the export's files.",
            )
        )
        return
    result.sources.extend(found)
    if not found:
        result.problems.append(
            (
                "missing_file",
                display_name(folder.name),
                f"The folder {display_name(folder)} has no CSV, TXT or XLSX files. Check the folder.",
            )
        )


def _add_zip(result: InputSet, archive: Path, workdir: Path) -> None:
    shown = display_name(archive.name)
    try:
        with zipfile.ZipFile(archive) as bundle:
            members = [info for info in bundle.infolist() if not info.is_dir()]
            tables = [info for info in members if _is_table_member(info)]
            result.has_manifest = result.has_manifest or any(
                PurePosixPath(info.filename).name.lower() == "manifest.csv" for info in tables
            )
            if not tables:
                result.problems.append(("unreadable_file", shown, _no_tables_message(shown, members)))
                return
            _check_declared(shown, tables)
            target = workdir / f"zip{len(result.sources)}_{len(result.problems)}"
            target.mkdir(parents=True, exist_ok=True)
            unpacked: list[Source] = []
            budget = [MAX_ZIP_BYTES]
            for info in tables:
                name = display_name(PurePosixPath(info.filename).name)
                destination = target / f"{len(unpacked)}{PurePosixPath(info.filename).suffix.lower()}"
                _unpack(bundle, info, destination, shown, budget)
                unpacked.append(Source(name, destination, container=shown))
            result.sources.extend(unpacked)
    except ZipRefused as refused:
        result.problems.append(("unreadable_file", shown, str(refused)))
    except (zipfile.BadZipFile, zipfile.LargeZipFile, NotImplementedError, EOFError, RuntimeError) as error:
        result.problems.append(
            (
                "unreadable_file",
                shown,
                f"{shown} is not a readable zip archive ({error}). Download or export it again.",
            )
        )
    except OSError as error:
        result.problems.append(
            (
                "unreadable_file",
                shown,
                f"{shown} cannot be unpacked: {error.strerror or error}.",
            )
        )


def _is_table_member(info: zipfile.ZipInfo) -> bool:
    member = PurePosixPath(info.filename)
    hidden = member.name.startswith(".") or "__MACOSX" in member.parts
    return not hidden and member.suffix.lower() in TABLE_SUFFIXES


def _no_tables_message(shown: str, members: list[zipfile.ZipInfo]) -> str:
    inner = [PurePosixPath(info.filename).name for info in members if info.filename.lower().endswith(".zip")]
    if inner:
        names = ", ".join(display_name(name) for name in inner[:3]) + (" …" if len(inner) > 3 else "")
        return (
            f"{shown} holds no CSV, TXT or XLSX files, only another zip ({names}); a zip inside a zip is not "
            "opened. Unzip it and give the inner zip (or its files) instead."
        )
    return f"{shown} holds no CSV, TXT or XLSX files. Check that it is the roster export."


def _check_declared(shown: str, tables: list[zipfile.ZipInfo]) -> None:
    """Refuse from the sizes the zip declares, before unpacking anything."""
    if len(tables) > MAX_FILES_PER_INPUT:
        raise ZipRefused(
            f"{shown} holds {len(tables):,} table files; a roster export has a handful (at most "
            f"{MAX_FILES_PER_INPUT:,} are read from one zip). Check that it is the roster export."
        )
    declared = sum(info.file_size for info in tables)
    if declared > MAX_ZIP_BYTES:
        raise ZipRefused(_too_big(shown, declared))
    for info in tables:
        if info.file_size > RATIO_FREE_BYTES and info.file_size > MAX_ZIP_RATIO * max(info.compress_size, 1):
            raise ZipRefused(_bomb(shown, info, info.file_size))


def _unpack(
    bundle: zipfile.ZipFile, info: zipfile.ZipInfo, destination: Path, shown: str, budget: list[int]
) -> None:
    """Copy one member out, counting what is actually unpacked: more than it declared, more than the zip's
    budget, or a ratio past the limit stops the copy (a zip may lie about its sizes)."""
    written = 0
    with bundle.open(info) as source, destination.open("wb") as sink:
        while chunk := source.read(_CHUNK):
            written += len(chunk)
            if written > info.file_size:
                raise ZipRefused(
                    f"{shown}: {display_name(info.filename)} unpacks to more than the "
                    f"{info.file_size:,} bytes it declares, so the zip is damaged or forged. Export it again."
                )
            if written > budget[0]:
                raise ZipRefused(_too_big(shown, MAX_ZIP_BYTES - budget[0] + written))
            if written > RATIO_FREE_BYTES and written > MAX_ZIP_RATIO * max(info.compress_size, 1):
                raise ZipRefused(_bomb(shown, info, written))
            sink.write(chunk)
    budget[0] -= written


def _too_big(shown: str, size: int) -> str:
    return (
        f"{shown} unpacks to more than {MAX_ZIP_BYTES / 1024**3:.0f} GB ({size / 1024**2:,.0f} MB or more), "
        "far more than a roster export. Check that it is the right file, or give its files unzipped."
    )


def _bomb(shown: str, info: zipfile.ZipInfo, size: int) -> str:
    ratio = size / max(info.compress_size, 1)
    return (
        f"{shown}: {display_name(info.filename)} unpacks to {size / 1024**2:,.0f} MB from "
        f"{info.compress_size / 1024**2:,.1f} MB ({ratio:,.0f} times smaller packed). Roster text never "
        f"compresses more than {MAX_ZIP_RATIO} times, so this is refused as a zip bomb. Check where the file "
        "came from, or give its files unzipped."
    )


def detect_format(inputs: InputSet) -> str:
    """The input format, recognised from the files themselves: 'oneroster-1.1', 'oneroster-1.2', 'sds-v1',
    'sds-v2.1', 'hub' or 'sis' (file names, the manifest's version, and the headers of users/roles)."""
    stems = {source.stem for source in inputs.sources}
    if inputs.has_manifest:
        return _oneroster_version(inputs)
    if "roles" in stems and ({"orgs", "users"} <= stems or "users" in stems):
        return _roles_set_format(inputs)
    if {"orgs", "users"} <= stems or ("users" in stems and "classes" in stems):
        return "oneroster-1.1"
    if {"studentenrollment", "teacherroster"} & stems and len(set(SDS_FILES) & stems) >= 2:
        return "sds-v1"
    hub_stems = {spec.normalise_token(Path(spec.hub_file_name(kind)).stem) for kind in spec.HUB_KINDS}
    names = {source.name for source in inputs.sources}
    hub_names = {spec.hub_file_name(kind) for kind in spec.HUB_KINDS}
    if stems and stems <= hub_stems and names <= hub_names:
        return "hub"
    return "sis"


def resolve_format(requested: str, inputs: InputSet) -> str:
    """--format as given, with a family named without its version ('oneroster', 'sds') made exact."""
    if requested == "auto":
        return detect_format(inputs)
    if requested == "oneroster":
        detected = detect_format(inputs)
        if detected.startswith("oneroster"):
            return detected
        return "oneroster-1.2" if "roles" in {source.stem for source in inputs.sources} else "oneroster-1.1"
    if requested == "sds":
        detected = detect_format(inputs)
        if detected.startswith("sds"):
            return detected
        return (
            "sds-v2.1"
            if {"orgs", "users", "roles"} & {source.stem for source in inputs.sources}
            else "sds-v1"
        )
    return requested


def _header_tokens(inputs: InputSet, stem: str) -> set[str]:
    for source in inputs.sources:
        if source.stem == stem:
            return {spec.normalise_token(header) for header in read_header(source.path)}
    return set()


def _oneroster_version(inputs: InputSet) -> str:
    """1.2 when the manifest says so (or, without a version, when users come with roles.csv); else 1.1."""
    for source in inputs.sources:
        if source.stem == "manifest":
            try:
                frame = read_table(source.path, name=source.name).frame
            except UnreadableFile:
                break
            if len(frame.columns) >= 2:
                keys = frame[frame.columns[0]].str.strip().str.lower()
                values = frame[frame.columns[1]].str.strip()
                version = dict(zip(keys, values, strict=True)).get("oneroster.version", "")
                if version.startswith("1.2"):
                    return "oneroster-1.2"
                if version:
                    return "oneroster-1.1"
    stems = {source.stem for source in inputs.sources}
    if "roles" in stems and "role" not in _header_tokens(inputs, "users"):
        return "oneroster-1.2"
    return "oneroster-1.1"


def _roles_set_format(inputs: InputSet) -> str:
    """OneRoster 1.2 and SDS v2.1 both have orgs, users and roles: their headers tell them apart."""
    roles = _header_tokens(inputs, "roles")
    users = _header_tokens(inputs, "users")
    if "roletype" in roles or "status" in roles or {"enableduser", "status", "primaryorgsourcedid"} & users:
        return "oneroster-1.2"
    if "isprimary" in roles or "activedirectorymatchid" in users:
        return "sds-v2.1"
    return "sds-v2.1" if "sessionsourcedid" in roles else "oneroster-1.2"
