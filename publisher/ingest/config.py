"""Source folders and their YAML sidecar, decoded into typed, strict models.

A source is one authority's export: a folder holding its files and one
``source.yml`` that says how to read them. Mistakes in the YAML are reported
with the file and line they stand on.
"""

from __future__ import annotations

import re
from datetime import date
from functools import cache
from pathlib import Path
from typing import Any, Literal, TypeVar

import msgspec
import yaml

from ..errors import UserError
from ..model import (
    AuthorityLevel,
    Base,
    CancellationGround,
    DecisionKindOrRefusal,
    MediumType,
    PenaltyKind,
    PublisherKind,
    Violation,
)
from .fields import FIELDS, RecordKind
from .limits import Limits, out_of_bounds

SOURCE_FILE = "source.yml"
T = TypeVar("T")

ChangeField = Literal[
    "publisher_name",
    "legal_representative",
    "address",
    "credit_code",
    "sponsor_name",
    "medium_name",
    "medium_type",
    "frequency",
    "channel",
    "cn_number",
    "issn",
    "licence_number",
    "licence_valid_from",
    "licence_valid_to",
    "business_scope",
    "other",
]


class FormerName(Base, kw_only=True):
    """A name an authority used up to and including ``until`` (e.g. before the 2018 reform
    turned 工商行政管理局 into 市场监督管理局), with where that is documented."""

    name: str
    until: date
    source: str = ""


class AuthorityConfig(Base, kw_only=True):
    name: str  # the name in use now (after every former name)
    division_code: str
    level: AuthorityLevel
    former_names: list[FormerName] = []


class RowBounds(Base, kw_only=True):
    """Row-count assertion: the build fails if a file yields fewer or more data rows."""

    min: int = 0
    max: int | None = None


class Lookups(Base, kw_only=True):
    """Source labels → our vocabulary. Labels are matched after width/space normalisation."""

    decision_kind: dict[str, DecisionKindOrRefusal] = {}
    publisher_kind: dict[str, PublisherKind] = {}
    medium_type: dict[str, MediumType] = {}
    cancellation_ground: dict[str, CancellationGround] = {}
    penalty_kind: dict[str, PenaltyKind] = {}
    violation: dict[str, Violation] = {}
    change_field: dict[str, ChangeField] = {}
    authority: dict[str, str] = {}


class FileConfig(Base, kw_only=True):
    path: str
    kind: RecordKind
    format: Literal["csv", "xlsx", "json"]
    columns: dict[str, str]
    encoding: str = "detect"
    sheet: str | None = None
    header_row: int = 1
    skip_rows: list[int] = []
    records: str | None = None
    date_formats: list[str] = []
    defaults: dict[str, str] = {}
    expect_rows: RowBounds | None = None
    limits: Limits = msgspec.field(default_factory=Limits)


class SourceConfig(Base, kw_only=True):
    title: str
    authority: AuthorityConfig
    files: list[FileConfig]
    other_authorities: list[AuthorityConfig] = []
    lookups: Lookups = msgspec.field(default_factory=Lookups)


class Source(msgspec.Struct, frozen=True):
    """A loaded source: its name (the folder's), folder and config."""

    name: str
    folder: Path
    config: SourceConfig


_PATH_TOKEN = re.compile(r"\.([A-Za-z_][A-Za-z0-9_]*)|\[(\d+)\]|\[\.\.\.\]")


def _node_at(root: yaml.Node, path: str) -> yaml.Node:
    """The YAML node a msgspec error path (``$.files[0].kind``) points at, as near as found."""
    node = root
    for match in _PATH_TOKEN.finditer(path.removeprefix("$")):
        key, index = match.group(1), match.group(2)
        if key is not None and isinstance(node, yaml.MappingNode):
            found = [v for k, v in node.value if getattr(k, "value", None) == key]
            if not found:
                break
            node = found[0]
        elif index is not None and isinstance(node, yaml.SequenceNode):
            node = node.value[int(index)]
        else:
            break
    return node


def _error_line(root: yaml.Node, message: str) -> int:
    path = message.rsplit(" - at `", 1)[1].rstrip("`") if " - at `" in message else "$"
    node = _node_at(root, path)
    unknown = re.search(r"unknown field `([^`]+)`", message)
    if unknown and isinstance(node, yaml.MappingNode):
        for k, _v in node.value:
            if getattr(k, "value", None) == unknown.group(1):
                return int(k.start_mark.line) + 1
    # A bad value in a mapping (`$.lookups.decision_kind[...]`): the entry holding that value.
    bad = re.search(r"Invalid enum value '([^']*)'", message)
    if bad and path.endswith("[...]") and isinstance(node, yaml.MappingNode):
        for _k, v in node.value:
            if getattr(v, "value", None) == bad.group(1):
                return int(v.start_mark.line) + 1
    return int(node.start_mark.line) + 1


def _key_line(yml: Path, *keys: str | int) -> str:
    """``path:line`` of the key or item ``keys`` lead to in ``yml``, as near as found."""
    root = yaml.compose(yml.read_text(encoding="utf-8"), Loader=yaml.SafeLoader)
    node, line = root, None
    for key in keys:
        if isinstance(key, int) and isinstance(node, yaml.SequenceNode):
            node = node.value[key]
            line = node.start_mark.line
        elif isinstance(key, str) and isinstance(node, yaml.MappingNode):
            found = [(k, v) for k, v in node.value if getattr(k, "value", None) == key]
            if not found:
                break
            line, node = found[0][0].start_mark.line, found[0][1]
        else:
            break
    return f"{yml}:{line + 1}" if line is not None else str(yml)


def decode_yaml(path: Path, type_: type[T]) -> T:
    """Decode a YAML file into ``type_``; errors name the file and line."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise UserError(f"{path}: no such file") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise UserError(f"{path}: cannot read YAML ({exc})") from None
    try:
        root = yaml.compose(text, Loader=yaml.SafeLoader)
        data: Any = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f":{mark.line + 1}" if mark else ""
        problem = getattr(exc, "problem", None) or str(exc)
        raise UserError(f"{path}{where}: YAML syntax error: {problem}") from None
    if root is None:
        raise UserError(f"{path}:1: empty YAML file")
    try:
        return msgspec.convert(data, type_, strict=False)
    except msgspec.ValidationError as exc:
        raise UserError(f"{path}:{_error_line(root, str(exc))}: {exc}") from None


def _check(config: SourceConfig, yml: Path) -> None:
    """Cross-field checks msgspec cannot express; each names the YAML line."""
    for i, f in enumerate(config.files):
        fields = FIELDS[f.kind]
        for column, field in f.columns.items():
            if field not in fields:
                raise UserError(
                    f"{_key_line(yml, 'files', i, 'columns', column)}: files[{i}].columns: "
                    f"column {column!r} maps to unknown field {field!r} for {f.kind}; "
                    f"known: {', '.join(sorted(fields))}"
                )
        for field in f.defaults:
            if field not in fields:
                raise UserError(
                    f"{_key_line(yml, 'files', i, 'defaults', field)}: files[{i}].defaults: "
                    f"unknown field {field!r}"
                )
        mapped = set(f.columns.values()) | set(f.defaults)
        missing = [n for n, spec in fields.items() if spec.required and n not in mapped]
        if missing:
            raise UserError(
                f"{_key_line(yml, 'files', i, 'columns')}: files[{i}] ({f.path}) maps no "
                f"column to required field(s) {', '.join(missing)}"
            )
        if f.header_row < 1:
            raise UserError(
                f"{_key_line(yml, 'files', i, 'header_row')}: files[{i}].header_row "
                "must be 1 or more"
            )
        if problem := out_of_bounds(f.limits):
            raise UserError(f"{_key_line(yml, 'files', i, 'limits')}: files[{i}]: {problem}")
        if _outside(yml.parent, f.path):
            raise UserError(
                f"{_key_line(yml, 'files', i, 'path')}: files[{i}].path {f.path!r} leads "
                "outside the source folder"
            )


def _outside(folder: Path, path: str) -> bool:
    """Whether ``path`` (relative to ``folder``) resolves, links followed, outside it."""
    try:
        return not (folder / path).resolve().is_relative_to(folder.resolve())
    except (OSError, RuntimeError, ValueError):  # a symlink loop, a NUL in the path
        return True


def source_file(source: Source, spec: FileConfig) -> Path:
    """The file a ``files:`` entry names, links resolved; an error if it lies outside the
    source folder (checked again as the file is opened: links may have changed since)."""
    if _outside(source.folder, spec.path):
        raise UserError(
            f"{source.folder / SOURCE_FILE}: files[].path {spec.path!r} leads outside "
            "the source folder"
        )
    return (source.folder / spec.path).resolve()


def load_source(folder: str | Path) -> Source:
    """Load and check one source folder."""
    folder = Path(folder)
    if not folder.is_dir():
        raise UserError(f"{folder}: no such source folder")
    yml = folder / SOURCE_FILE
    if not yml.is_file():
        raise UserError(f"{folder}: not a source folder (no {SOURCE_FILE})")
    if _outside(folder, SOURCE_FILE):
        raise UserError(f"{yml}: a link leading outside the source folder")
    config = decode_yaml(yml, SourceConfig)
    _check(config, yml)
    return Source(name=folder.name, folder=folder, config=config)


@cache
def base_lookups() -> Lookups:
    """The vocabulary shipped with adreg, which every source's lookups extend."""
    return decode_yaml(Path(__file__).with_name("lookups.yml"), Lookups)
