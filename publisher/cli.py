"""The ``adreg`` command line. One function per command; its docstring is its help."""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import date
from functools import wraps
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import click
from rich.console import Console
from rich.progress import BarColumn, DownloadColumn, Progress, TextColumn, TimeRemainingColumn
from rich.table import Table

from .errors import UserError, shown
from .faults import write_fault

if TYPE_CHECKING:  # ingest (polars) is imported by the commands that ingest, when they run
    from .ingest import IngestResult
    from .ingest.ledger import Ledger

F = TypeVar("F", bound=Callable[..., Any])
err = Console(stderr=True)


def user_errors(fn: F) -> F:
    """Turn a user's mistake into one line on stderr and exit code 2, never a traceback."""

    @wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return fn(*args, **kwargs)
        except UserError as exc:
            click.echo(f"adreg: error: {exc}", err=True)
            sys.exit(2)
        except Exception as exc:
            cause = write_fault(exc)  # a full disk or a read-only folder, seen by no step
            if cause is None:
                raise
            click.echo(f"adreg: error: cannot write: {cause} ({shown(str(exc), 160)})", err=True)
            sys.exit(2)
        except KeyboardInterrupt:
            click.echo("adreg: interrupted", err=True)
            sys.exit(130)

    return wrapper  # type: ignore[return-value]


@contextmanager
def progress_bar(enabled: bool) -> Iterator[Callable[[str, int, int], None] | None]:
    """A rich progress bar per file, shown only on a terminal."""
    if not enabled:
        yield None
        return
    with Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        DownloadColumn(),
        TimeRemainingColumn(),
        console=err,
        transient=True,
    ) as bar:
        tasks: dict[str, Any] = {}

        def update(label: str, done: int, total: int) -> None:
            if label not in tasks:
                tasks[label] = bar.add_task(label, total=total)
            bar.update(tasks[label], completed=done)

        yield update


def ledger_table(ledger: Ledger) -> Table:
    table = Table(title="Ledger: every input row accounted for", title_justify="left")
    for name in ("source", "file", "read", "published", "merged", "withheld", "rejected"):
        if name in ("source", "file"):
            table.add_column(name, overflow="fold")  # a file's name is shown whole
        else:
            table.add_column(name, justify="right", no_wrap=True)
    for s in ledger.sources:
        for f in s.files:
            c = f.counts
            table.add_row(
                s.source,
                f.file,
                *(str(x) for x in (c.read, c.published, c.merged, c.withheld, c.rejected)),
            )
    t = ledger.total
    table.add_section()
    table.add_row(
        "total",
        "",
        *(str(x) for x in (t.read, t.published, t.merged, t.withheld, t.rejected)),
        style="bold",
    )
    return table


def reasons_table(ledger: Ledger) -> Table:
    table = Table(title="Reasons", title_justify="left")
    table.add_column("outcome:reason:field")
    table.add_column("rows", justify="right")
    for key, n in ledger.reasons.items():
        table.add_row(key, str(n))
    return table


def run_ingest(sources: tuple[Path, ...], quiet: bool) -> IngestResult:
    if not sources:
        raise UserError("give at least one source folder")
    from .ingest import ingest

    with progress_bar(not quiet and err.is_terminal) as update:
        return ingest(sources, progress=update)


# A command that reads one release: a release folder, or an output root's current one.
release_option = click.option(
    "--release",
    type=click.Path(path_type=Path),
    default=Path("out"),
    show_default=True,
    help="A release folder, or an output root whose current release is used.",
)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="adreg")
def cli() -> None:
    """adreg: China's advertising-publication register (广告发布登记) as open data."""


@cli.command(name="ingest")
@click.argument("sources", nargs=-1, type=click.Path(path_type=Path))
@click.option(
    "--ledger",
    "ledger_path",
    type=click.Path(path_type=Path, dir_okay=False),
    default=Path("out/ledger.json"),
    show_default=True,
    help="Where to write the ledger as JSON.",
)
@click.option("--quiet", "-q", is_flag=True, help="No progress bar and no tables.")
@user_errors
def ingest_command(sources: tuple[Path, ...], ledger_path: Path, quiet: bool) -> None:
    """Read SOURCES (source folders, each with a source.yml) and print the ledger.

    Every input row is counted as published, merged, withheld or rejected, with
    the reason, file and row of each row that was not published. The ledger is
    also written as JSON (it never holds personal data).
    """
    result = run_ingest(sources, quiet)
    try:
        ledger_path.parent.mkdir(parents=True, exist_ok=True)
        result.ledger.write(ledger_path)
    except OSError as exc:
        raise UserError(f"{ledger_path}: cannot write the ledger ({exc.strerror})") from None
    if not quiet:
        out = Console()
        out.print(ledger_table(result.ledger))
        out.print(reasons_table(result.ledger))
        out.print(
            f"{result.counts['decisions']} decisions, {result.counts['penalties']} penalties, "
            f"{len(result.authorities)} authorities; ledger written to {ledger_path}"
        )


@cli.command(name="sample")
@click.argument("outdir", type=click.Path(path_type=Path, file_okay=False))
@click.option("--publishers", default=100, show_default=True, help="How many publishers.")
@click.option("--seed", default=1, show_default=True, help="Random seed: same seed, same files.")
@user_errors
def sample_command(outdir: Path, publishers: int, seed: int) -> None:
    """Write realistic sample source exports for PUBLISHERS publishers into OUTDIR.

    The exports have the formats and messiness of real ones (CSV in UTF-8 and
    GB18030, XLSX with title rows, JSON, penalties) and are the same for a seed.
    """
    from .samples.generate import generate

    if publishers < 1:
        raise UserError("--publishers must be 1 or more")
    summary = generate(outdir, publishers=publishers, seed=seed)
    click.echo(
        f"wrote {summary.get('rows', '?')} rows in {len(summary.get('sources', []))} sources to {outdir}"
    )


def parse_day(value: str | None, option: str) -> date | None:
    if value is None:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise UserError(f"{option} {value!r}: give a date as YYYY-MM-DD") from None


@cli.command(name="publish")
@click.argument("sources", nargs=-1, type=click.Path(path_type=Path))
@click.option(
    "--out",
    "root",
    type=click.Path(path_type=Path, file_okay=False),
    default=Path("out"),
    show_default=True,
    help="Output root: releases/, the current link and index.json.",
)
@click.option("--config", "config_path", type=click.Path(path_type=Path), help="A release.yml.")
@click.option("--as-of", "as_of", help="Release as of this date (YYYY-MM-DD); default: today.")
@click.option("--version", "version", help="Release version (SemVer); default: the next 1.N.0.")
@click.option("--quiet", "-q", is_flag=True, help="No progress and no tables.")
@click.option("--verbose", "-v", is_flag=True, help="Print each build step on stderr.")
@click.option(
    "--site/--no-site",
    default=None,
    help="Build the static notices site into the release (default: release.yml's site, true).",
)
@user_errors
def publish_command(
    sources: tuple[Path, ...],
    root: Path,
    config_path: Path | None,
    as_of: str | None,
    version: str | None,
    quiet: bool,
    verbose: bool,
    site: bool | None,
) -> None:
    """Build a release from SOURCES and switch it in atomically.

    The release holds a Frictionless data package (CSV), an Excel workbook, a
    SQLite database, the ledger and a diff against the previous release. It is
    built in a temporary folder, validated, and only then made current; a failed
    or interrupted build leaves the previous release in place.
    """
    from .release.publish import load_config, publish

    if not sources:
        raise UserError("give at least one source folder")
    config = load_config(config_path)
    day = parse_day(as_of, "--as-of") or config.as_of or date.today()
    show = not quiet and err.is_terminal
    with progress_bar(show) as update:
        result = publish(
            sources,
            root,
            config=config,
            as_of=day,
            version=version,
            step=(lambda s: click.echo(f"adreg: step {s}", err=True)) if verbose else None,
            progress=update,
            site=site,
        )
    if not quiet:
        out = Console()
        out.print(ledger_table(result.ingest.ledger))
        out.print(reasons_table(result.ingest.ledger))
        counts = ", ".join(f"{k} {v}" for k, v in result.counts.items())
        out.print(f"release {result.version} as of {result.as_of}: {counts}")
        out.print(result.diff)
        out.print(f"switched in: {result.release}")


@cli.command(name="diff")
@click.argument("old", type=click.Path(path_type=Path))
@click.argument("new", type=click.Path(path_type=Path))
@click.option("--json", "as_json", is_flag=True, help="Print the diff as JSON.")
@user_errors
def diff_command(old: Path, new: Path, as_json: bool) -> None:
    """Report what changed between releases OLD and NEW, per resource.

    OLD and NEW are release folders (or data package folders). Rows are matched by
    primary key; changed rows list the fields that changed.
    """
    import msgspec

    from .release.diff import diff_packages, diff_text, package_dir

    d = diff_packages(package_dir(old), package_dir(new))
    if as_json:
        click.echo(msgspec.json.format(msgspec.json.encode(d), indent=2).decode())
    else:
        click.echo(diff_text(d))


@cli.command(name="verify")
@click.argument("query")
@click.option(
    "--on", "on", help="The date asked about (YYYY-MM-DD); default: the release's as-of date."
)
@release_option
@click.option("--json", "as_json", is_flag=True, help="Print the answer as JSON.")
@user_errors
def verify_command(query: str, on: str | None, release: Path, as_json: bool) -> None:
    """Was QUERY registered and valid on a date? QUERY: a medium's name (current or former),
    CN number, ISSN, frequency or channel, registration number, or a publisher's or
    sponsor's name or credit code; else names containing it, pinyin included.

    Answers offline from a release: the verdict (a status, or not registered on that date,
    no match in this release, before the regime, no longer required, ambiguous), what
    matched and why, the registration, registrant, authority, the licence window in force,
    the decisions that prove it, penalties in publicity, warnings, and the release version
    and database sha256. Exit code 1 when nothing in the release matches.
    """
    import msgspec

    from .read.reader import Reader
    from .read.text import answer_text
    from .read.verify import verify

    reader = Reader(release)
    day = parse_day(on, "--on") or reader.ref.as_of
    answer = verify(reader, query, day)
    if as_json:
        click.echo(msgspec.json.format(msgspec.json.encode(answer), indent=2).decode())
    else:
        click.echo(answer_text(answer))
    if answer.verdict == "no_match":
        sys.exit(1)


@cli.command(name="build-site")
@click.argument("release", type=click.Path(path_type=Path), default=Path("out"))
@click.option(
    "--out",
    "out",
    type=click.Path(path_type=Path, file_okay=False),
    help="Write the site here instead of replacing the release's own site/ folder.",
)
@click.option(
    "--previous",
    type=click.Path(path_type=Path, file_okay=False),
    help="A previous site folder whose unchanged pages are reused (default: the release's "
    "own site/ when rebuilt in place, else none).",
)
@click.option("--site-url", help="Where the site is served (absolute URLs in sitemap and feed).")
@click.option("--verbose", "-v", is_flag=True, help="Print each step's time on stderr.")
@user_errors
def build_site_command(
    release: Path, out: Path | None, previous: Path | None, site_url: str | None, verbose: bool
) -> None:
    """Build (or rebuild) the static notices site of RELEASE (a release folder, or an
    output root whose current release is used).

    The site is a page per notice, authority, month, decision kind, registrant and
    medium, a verification page per medium, penalties in publicity, downloads, the data
    dictionary, the method, an Atom feed, sitemap.xml and a search index that works with
    no server. Pages whose inputs did not change are reused from the previous site.
    In place, the new site replaces RELEASE/site in one rename and site.json is listed
    again in release.json.
    """
    import shutil

    from .manifest import add_files
    from .read.reader import release_folder
    from .web.build import build_site
    from .web.writer import SITE_MANIFEST

    folder = release_folder(release)
    say = (lambda s: click.echo(f"adreg: {s}", err=True)) if verbose else None
    if out is not None:
        result = build_site(folder, out, previous=previous, site_url=site_url, say=say)
    else:
        current = folder / "site"
        tmp = folder / ".site-new"
        shutil.rmtree(tmp, ignore_errors=True)
        old = previous or (current if current.is_dir() else None)
        result = build_site(folder, tmp, previous=old, site_url=site_url, say=say)
        (folder / ".site-new.json").replace(folder / SITE_MANIFEST)
        result.manifest = folder / SITE_MANIFEST
        trash = folder / ".site-old"
        shutil.rmtree(trash, ignore_errors=True)
        if current.exists():
            current.rename(trash)
        tmp.rename(current)
        shutil.rmtree(trash, ignore_errors=True)
        add_files(folder, [SITE_MANIFEST])
        result.out = current
    click.echo(
        f"site: {result.pages} files in {result.out} ({result.written} written, "
        f"{result.reused} reused) in {result.seconds:.1f} s"
    )


@cli.command(name="notices")
@click.option("--from", "date_from", required=True, help="First publication date (YYYY-MM-DD).")
@click.option("--to", "date_to", required=True, help="Last publication date (YYYY-MM-DD).")
@click.option("--authority", help="Only this authority's notices (its GB/T 2260 division code).")
@release_option
@click.option(
    "--out",
    "target",
    type=click.Path(path_type=Path, dir_okay=False),
    help="The file to write (default: notices-FROM-TO.pdf, or .html with --html).",
)
@click.option("--html", "as_html", is_flag=True, help="Write the print-ready HTML, not a PDF.")
@user_errors
def notices_command(
    date_from: str,
    date_to: str,
    authority: str | None,
    release: Path,
    target: Path | None,
    as_html: bool,
) -> None:
    """Write the notices published in a date range as print-ready newspaper pages.

    Article 16's fallback: an authority whose portal cannot publish sends these pages
    to a newspaper. The notices are laid out in newspaper columns on A4 and rendered to
    PDF (WeasyPrint, with a CJK font installed on the system), or written as HTML with a
    print stylesheet.
    """
    from .web.newspaper import write_newspaper

    start = parse_day(date_from, "--from")
    end = parse_day(date_to, "--to")
    assert start is not None and end is not None
    suffix = "html" if as_html else "pdf"
    target = target or Path(f"notices-{start.isoformat()}-{end.isoformat()}.{suffix}")
    try:
        count = write_newspaper(release, target, start, end, authority, as_html=as_html)
    except OSError as exc:
        raise UserError(f"{target}: cannot write ({exc.strerror or exc})") from None
    click.echo(f"{count} notices written to {target}")


@cli.command(name="serve")
@click.option(
    "--release",
    type=click.Path(path_type=Path),
    default=Path("out"),
    show_default=True,
    help="An output root (its current release is followed, a new one served without a "
    "restart) or one release folder.",
)
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", default=8000, show_default=True, help="Port to listen on.")
@click.option("--workers", default=1, show_default=True, help="Server processes sharing the port.")
@user_errors
def serve_command(release: Path, host: str, port: int, workers: int) -> None:
    """Serve a release on one port: the static site at /, the API at /api/ and Datasette
    at /explore/, read-only.

    Follows the output root's current release: a release published while serving is
    served from its next request on, without a restart (requests under way finish on the
    release they began with). Prints the three URLs; stops with Ctrl-C.
    """
    from .serve.run import serve

    serve(release, host, port, workers)
