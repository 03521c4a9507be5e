"""The templates and assets of the site, found in the top-level ``site/`` folder.

``site/`` sits beside the ``publisher`` package in the source tree (the project is
installed with ``pip install -e .``); ``ADREG_SITE_DIR`` points elsewhere, e.g. for an
installed copy. The folder holds no Python: a module named ``site`` would shadow the
standard library's.
"""

from __future__ import annotations

import hashlib
import os
import re
from datetime import date
from functools import cache
from pathlib import Path
from typing import Any

import jinja2
from markupsafe import Markup, escape

from ..errors import UserError

CODE = Path(__file__).resolve().parent
_UNSAFE = re.compile(r"[^A-Za-z0-9_.-]")


def slug(ident: str) -> str:
    """An id as a file name: letters, digits, ``_ . -`` kept, anything else as ``~XX``."""
    return _UNSAFE.sub(lambda m: "".join(f"~{b:02X}" for b in m[0].encode()), ident)


def site_dir() -> Path:
    """The ``site/`` folder: ``$ADREG_SITE_DIR``, else beside the ``publisher`` package."""
    env = os.environ.get("ADREG_SITE_DIR")
    folder = Path(env) if env else CODE.parent.parent / "site"
    if not (folder / "templates" / "base.html").is_file():
        raise UserError(
            f"{folder}: the site's templates are not there (set ADREG_SITE_DIR to the site/ "
            "folder of the adreg source tree)"
        )
    return folder


def day_zh(d: date | str | None) -> str:
    """2017-03-05 → 2017年3月5日."""
    if d is None or d == "":
        return "—"
    if isinstance(d, str):
        d = date.fromisoformat(d[:10])
    return f"{d.year}年{d.month}月{d.day}日"


def amount(x: float | None) -> str:
    if x is None:
        return "—"
    return f"{x:,.2f}元"


def size(n: int) -> str:
    for unit in ("B", "KB", "MB", "GB"):
        if n < 1024 or unit == "GB":
            return f"{n} {unit}" if unit == "B" else f"{n:.1f} {unit}"
        n = n / 1024  # type: ignore[assignment]
    return str(n)


_LINE_KINDS = {"head": ("<h2>", "</h2>"), "p": ("<p>", "</p>")}


def notice_lines(lines: list[tuple[str, str]]) -> Markup:
    """A notice's text (``pages.body_lines``) as HTML: a heading per decision, a paragraph
    per line, ``class`` the line's kind (item, note). One call per notice: a template loop
    spent more than the rest of the page on a notice's 50–100 lines. The lines are escaped
    together, in one call (a line holds no line break: ``body_lines`` split them)."""
    escaped = str(escape("\n".join([line for _, line in lines]))).split("\n")
    out = []
    for (kind, _), line in zip(lines, escaped, strict=True):
        start, end = _LINE_KINDS.get(kind) or (f'<p class="{escape(kind)}">', "</p>")
        out.append(f"{start}{line}{end}")
    return Markup("\n".join(out))


@cache
def environment() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(site_dir() / "templates"),
        autoescape=jinja2.select_autoescape(("html", "xml")),
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        auto_reload=False,
    )
    env.filters.update(
        day_zh=day_zh, amount=amount, size=size, slug=slug, notice_lines=notice_lines
    )
    return env


def fingerprint() -> str:
    """A hash of every template and asset and of the whole ``publisher`` package (the
    builder, the read side that shapes each page's data, the law's and the vocabulary's
    configuration): pages made by other code than this are never reused."""
    h = hashlib.blake2b(digest_size=16)
    folders = [site_dir(), CODE.parent]
    for folder in folders:
        for path in sorted(p for p in folder.rglob("*") if p.is_file()):
            if path.suffix in (".pyc",) or "__pycache__" in path.parts:
                continue
            h.update(path.relative_to(folder).as_posix().encode() + b"\0")
            h.update(path.read_bytes() + b"\0")
    return h.hexdigest()


def render(template: str, context: dict[str, Any]) -> str:
    return environment().get_template(template).render(context)
