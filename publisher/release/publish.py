"""Publish: sources → a validated release (data package, Excel, SQLite, ledger, diff), switched in.

The release is built in a temporary folder under the output root, checked (our
own constraint and key checks, row-count assertions, file hashes), and only
then switched into place. See :mod:`publisher.release.switch` for the layout.
"""

from __future__ import annotations

import shutil
import threading
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from datetime import date
from pathlib import Path

import msgspec

from ..derive import DEFAULT_REGIME_END, derive
from ..errors import UserError, shown
from ..faults import fault, write_fault
from ..ingest import IngestResult, ingest
from ..ingest.config import decode_yaml
from ..ingest.ledger import LedgerWriter
from ..law import law
from ..manifest import add_files, read_manifest
from ..model import Base
from ..read.changes import CHANGES_DIR
from ..runtime import give_back_memory
from ..web.build import build_site
from ..web.writer import SITE_MANIFEST
from .bundle import write_zip, zip_name
from .changes import ChangesWriter
from .checks import CheckedStream
from .datasette import write_datasette_config
from .diff import diff_packages, diff_text
from .flatten import flatten, in_release
from .follow import Follower, Followers
from .package import verify_files, write_package, written_order
from .switch import (
    Manifest,
    current_release,
    new_build_dir,
    next_version,
    now,
    publish_lock,
    repair,
    switch_in,
    switched_in,
    write_index,
    write_manifest,
)
from .tables import RESOURCE


class Bounds(Base, kw_only=True):
    min: int = 0
    max: int | None = None


class PublishConfig(Base, kw_only=True):
    """``release.yml``: what a release is called and what it must contain."""

    name: str = "adreg"
    title: str = "广告发布登记公开数据"
    description: str = (
        "Decisions and penalties of China's advertising-publication registration "
        "(广告发布登记管理规定, 2016), published under Article 16."
    )
    as_of: date | None = None
    regime_end: date = DEFAULT_REGIME_END
    assertions: dict[str, Bounds] = msgspec.field(
        default_factory=lambda: {"decisions": Bounds(min=1)}
    )
    site: bool = True  # build the static notices site into the release (site/)
    site_url: str | None = None  # where the site is served: absolute URLs in sitemap, feed


class PublishResult(msgspec.Struct, kw_only=True):
    release: Path
    version: str
    as_of: date
    counts: dict[str, int]
    ingest: IngestResult
    diff: str


def load_config(path: Path | None) -> PublishConfig:
    config = PublishConfig() if path is None else decode_yaml(path, PublishConfig)
    for name in config.assertions:
        if name not in RESOURCE:
            raise UserError(f"{path}: assertions: no resource named {name!r}")
    return config


def check_assertions(counts: dict[str, int], config: PublishConfig) -> list[str]:
    problems = []
    for name, b in config.assertions.items():
        n = counts.get(name, 0)
        if n < b.min or (b.max is not None and n > b.max):
            problems.append(f"{name}: {n} rows, declared bounds {b.min}..{b.max or '∞'}")
    return problems


Step = Callable[[str], None]


def publish(
    sources: Iterable[str | Path],
    root: Path,
    *,
    config: PublishConfig,
    as_of: date,
    version: str | None = None,
    step: Step | None = None,
    progress: Callable[[str, int, int], None] | None = None,
    site: bool | None = None,
) -> PublishResult:
    """Build a release from ``sources`` under ``root`` and switch it in.

    One publish at a time per root (its lock); leftovers of a killed run are removed first.
    A failed write (disk full, read-only folder) is a :class:`UserError`: the build is
    removed and the previous release stays current. ``site``: build the static site too
    (default: the config's ``site``)."""
    if site is not None:
        config = msgspec.structs.replace(config, site=site)

    def say(name: str) -> None:
        if step is not None:
            step(name)
        fault(name)  # each step is a fault point for tests (see publisher.faults)

    switched = None
    try:
        with publish_lock(root):
            repair(root)
            version = version or next_version(root)
            previous = current_release(root)
            build = new_build_dir(root)
            try:
                result, counts, text = _build(
                    sources, build, config, as_of, version, previous, say, progress
                )
                say("switch")
                target = switch_in(root, build, version)
            except BaseException:
                shutil.rmtree(build, ignore_errors=True)
                raise
            switched = version
            fault("index")
            write_index(root, (switched_in(root) or set()) | {version})
    except Exception as exc:
        cause = write_fault(exc)
        if cause is None:
            raise
        what = shown(str(exc), 160)
        if switched is None:
            raise UserError(
                f"{root}: cannot write the release: {cause} ({what}); the previous release "
                "is still current, the partial build removed"
            ) from None
        raise UserError(
            f"{root}: release {switched} is current, but index.json could not be updated: "
            f"{cause} ({what}); the next publish rewrites it"
        ) from None
    return PublishResult(
        release=target, version=version, as_of=as_of, counts=counts, ingest=result, diff=text
    )


def _build(
    sources: Iterable[str | Path],
    build: Path,
    config: PublishConfig,
    as_of: date,
    version: str,
    previous: Path | None,
    say: Step,
    progress: Callable[[str, int, int], None] | None,
) -> tuple[IngestResult, dict[str, int], str]:
    """Everything but the switch: the release's files in ``build``, checked."""
    say("ingest")
    result = ingest(sources, progress=progress, stage=build / ".log")
    # The ledger's row lists go to disk now and leave memory: a million-row run holds
    # millions of them; they come back as ledger.json is written.
    ledger = LedgerWriter(result.ledger)
    ledger.stage(build / ".ledger-rows")
    rule = law().publicity_rule(as_of)
    decisions, penalties, excluded = in_release(result, as_of, rule)
    ledger.exclude(excluded)
    del excluded
    ledger.write(build / "ledger.json")
    result.close()  # every record is made: the staged log goes before the build is checked
    result.decisions.clear()  # the list holds them now; flatten lets each go once flattened
    result.penalties.clear()
    say("derive")
    derived = derive(decisions, regime_end=config.regime_end, as_of=as_of)
    # Each table is made, checked and written in turn, then let go (see flatten).
    tables = CheckedStream(flatten(result, decisions, penalties, derived, rule))
    del decisions, penalties
    created = now()
    package = build / "datapackages" / config.name
    names = written_order(tables)
    # The Excel copy and the database are made by followers, from each table while it is
    # written (publisher.release.follow): a 2-core machine makes them meanwhile.
    followers = Followers([])
    try:
        say("excel")
        followers.all.append(Follower("excel", package, build / f"{config.name}.xlsx", names))
        say("database")
        db_path = build / f"{config.name}.db"
        followers.all.append(Follower("database", package, db_path, names))
        say("package")
        write_package(
            tables,
            package,
            name=config.name,
            title=config.title,
            version=version,
            created=created,
            sources=[
                {"title": f"{s.source} ({s.authority_code})", "path": s.source}
                for s in result.ledger.sources
            ],
            description=config.description + f" As of {as_of.isoformat()}.",
            release=release_facts(config, as_of),
            watch=followers,
        )
        tables.let_go()
        del derived
        give_back_memory()  # the records are gone: the followers' last steps start low
        say("check")
        counts = tables.counts
        if tables.problems:
            head = "; ".join(map(str, tables.problems[:3]))
            raise UserError(
                f"release not switched in: {len(tables.problems)} problems in the tables: {head}"
            )
        problems = check_assertions(counts, config)
        if problems:
            raise UserError(
                "release not switched in: row counts outside bounds: " + "; ".join(problems)
            )
        # The package as one zip: deflating releases the GIL, so a thread does it meanwhile.
        with ThreadPoolExecutor(1, thread_name_prefix="zip") as zipping:
            stop = threading.Event()
            zipped = zipping.submit(write_zip, package, build / zip_name(config.name), stop)
            try:
                text, changed_rows = _diff(build, package, config, version, previous, say)
                followers.wait()
                write_datasette_config(build, package, db_path)
            except BaseException:
                stop.set()  # the build is abandoned: so is its zip
                raise
            say("zip")
            zipped.result()
    except BaseException:
        followers.kill()
        raise
    write_manifest(
        build,
        Manifest(
            version=version,
            created=created.isoformat(),
            as_of=as_of.isoformat(),
            regime_end=config.regime_end.isoformat(),
            previous=previous.name if previous else None,
            counts=counts,
            changed_rows=changed_rows,
        ),
    )
    if config.site:
        say("site")
        old_site = previous / "site" if previous and (previous / "site").is_dir() else None
        build_site(build, previous=old_site, site_url=config.site_url, say=say)
        add_files(build, [SITE_MANIFEST])
    return result, counts, text


def _diff(
    build: Path,
    package: Path,
    config: PublishConfig,
    version: str,
    previous: Path | None,
    say: Step,
) -> tuple[str, int]:
    """The diff against the previous release (text, rows changed); the package's files
    checked against their hashes."""
    say("diff")
    old_package = _package_of(previous, config.name) if previous else None
    # The complete diff (row contents) is written against a previous release only: the
    # first release's would be the package itself.
    changes = (
        ChangesWriter(build / CHANGES_DIR, read_manifest(previous).version, version)
        if old_package is not None and previous is not None
        else None
    )
    d = diff_packages(old_package, package, changes)
    (build / "diff.json").write_bytes(msgspec.json.format(msgspec.json.encode(d), indent=2))
    text = diff_text(d)
    (build / "diff.txt").write_text(text + "\n", encoding="utf-8")
    problems = verify_files(package)
    if problems:
        raise UserError("release not switched in: " + "; ".join(problems[:3]))
    return text, sum(r.added + r.removed + r.changed for r in d.resources.values())


def release_facts(config: PublishConfig, as_of: date) -> dict[str, str]:
    """What a release says "now" is: its as-of date, capped at the regime's end."""
    rule = law().publicity_rule(as_of)
    return {
        "as_of": as_of.isoformat(),
        "regime_start": law().regime.start.isoformat(),
        "regime_end": config.regime_end.isoformat(),
        "horizon": min(as_of, config.regime_end).isoformat(),
        "penalty_publicity_rule": rule.id,
        "penalty_publicity_rule_title": rule.title,
    }


def _package_of(release: Path, name: str) -> Path | None:
    path = release / "datapackages" / name
    return path if (path / "datapackage.json").is_file() else None
