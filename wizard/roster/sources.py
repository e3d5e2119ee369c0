"""Turning the inputs a user names (files, folders, zips) into a flat list of table files, and recognising the
input format: the hub's own set, OneRoster 1.1 or 1.2, Microsoft SDS v1 or v2.1, or plain SIS exports."""

from __future__ import annotations

import zipfile
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from wizard.errors import UsageError
from wizard.roster import spec
from wizard.roster.readers import UnreadableFile, read_header, read_table

TABLE_SUFFIXES = {".csv", ".tsv", ".txt", ".tab", ".xlsx", ".xlsm"}
ONEROSTER_FILES = ("orgs", "users", "classes", "courses", "enrollments", "academicsessions", "demographics")
SDS_FILES = ("school", "section", "student", "teacher", "studentenrollment", "teacherroster")
MAX_ZIP_BYTES = 8 * 1024**3  # refuse zip bombs: more than this uncompressed is not a roster


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
        if not path.exists():
            raise UsageError(f"The input {path} does not exist.", "Check the path and try again.")
        if path.is_dir():
            _add_folder(result, path)
        elif path.suffix.lower() == ".zip" or (
            zipfile.is_zipfile(path) and path.suffix.lower() not in TABLE_SUFFIXES
        ):
            _add_zip(result, path, workdir)
        else:
            result.sources.append(Source(path.name, path))
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
    found = False
    for path in sorted(folder.iterdir()):
        if path.name.startswith(".") or not path.is_file():
            continue
        if path.name.lower() == "manifest.csv":
            result.has_manifest = True
        if path.suffix.lower() in TABLE_SUFFIXES:
            result.sources.append(Source(path.name, path, container=folder.name))
            found = True
    if not found:
        result.problems.append(
            (
                "missing_file",
                folder.name,
                f"The folder {folder} has no CSV, TXT or XLSX files. Check the folder.",
            )
        )


def _add_zip(result: InputSet, archive: Path, workdir: Path) -> None:
    try:
        with zipfile.ZipFile(archive) as bundle:
            members = [info for info in bundle.infolist() if not info.is_dir()]
            if sum(info.file_size for info in members) > MAX_ZIP_BYTES:
                raise zipfile.BadZipFile("it unpacks to more than 8 GB")
            target = workdir / f"zip{len(result.sources)}_{archive.stem}"
            target.mkdir(parents=True, exist_ok=True)
            for info in members:
                member = PurePosixPath(info.filename)
                if member.name.startswith(".") or "__MACOSX" in member.parts:
                    continue
                if member.suffix.lower() not in TABLE_SUFFIXES:
                    continue
                if member.name.lower() == "manifest.csv":
                    result.has_manifest = True
                destination = target / f"{len(result.sources)}_{member.name}"
                with bundle.open(info) as source, destination.open("wb") as sink:
                    while chunk := source.read(1024 * 1024):
                        sink.write(chunk)
                result.sources.append(Source(member.name, destination, container=archive.name))
    except (zipfile.BadZipFile, zipfile.LargeZipFile, NotImplementedError, EOFError, RuntimeError) as error:
        result.problems.append(
            (
                "unreadable_file",
                archive.name,
                f"{archive.name} is not a readable zip archive ({error}). Download or export it again.",
            )
        )
    except OSError as error:
        result.problems.append(
            (
                "unreadable_file",
                archive.name,
                f"{archive.name} cannot be unpacked: {error.strerror or error}.",
            )
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
