"""The notices site: full build, incremental rebuild and search index memory, against a
bare Jinja2 loop, Hugo and (optionally) Pagefind.

    python benchmarks/bench_site.py [--seeds 30] [--publishers 1000] [--rounds 3]
                                    [--hugo-pages 10000] [--pagefind] [--work benchmarks/work]

Data (``site_data.py``, built once per code version): ``--seeds`` samples of
``--publishers`` publishers, each seed's sources given authorities of their own, so the
release holds ~100k notices at the defaults; and the same plus 100 new decisions.
Each round, in fresh processes under ``/usr/bin/time -v`` (wall, peak RSS), interleaved:

A ``adreg build-site R1 --out <dir>``: the whole site of release 1 (every page, the
  downloads, feed, sitemap, search index), from its SQLite file through the read side;
B a bare Jinja2 loop rendering the same templates with the same contexts (captured once
  from A's page calls, pickled) and writing each page: only render + write is timed;
C our notice pages alone for the first ``--hugo-pages`` notices, made by the builder's own
  function (``publisher.web.build.notice_pages``: read through the read side, render,
  hash, write) with its parallelism: two processes, as in a full build, so ours uses both
  cores as Hugo does;
D ``hugo`` (Debian's) building the same notices as Markdown with a like layout (Hugo uses
  every core).

Then once: E ``adreg build-site R2 --out <dir2> --previous <A's dir>`` (after 100 new
decisions: only changed pages are rendered, the rest hard-linked); F the search index
alone (peak RSS); with ``--pagefind``, G Pagefind (extended) indexing A's notice pages.

Goals: A pages/s ≥ 0.7 × B's; C ≥ 1.5 × D's pages/s; E in seconds, read here as at most
:data:`INCREMENTAL_S` (a full build of ~100k notices takes 40–50 s on the reference
machine; the incremental one links ~207k unchanged pages and rewrites ~72k verification
pages, which cite the release); F ≤ 2 GB.
"""

from __future__ import annotations

import argparse
import json
import re
import shutil
import statistics
import subprocess
import sys
from pathlib import Path
from typing import Any

import site_data
from common import code_version, measured, tool

HERE = Path(__file__).resolve().parent
INCREMENTAL_S = 20.0  # "seconds" (see above)

CAPTURE = """
import pickle, sys
from pathlib import Path
from publisher.web import build, writer
sink = open(sys.argv[3], "wb")
original = writer.Writer.page
def page(self, path, template, context, part=None):
    full = {"root": writer.root_of(path), "path": path, **context}
    shared = (writer.part_mark(part), self._parts[part].decode()) if part else None
    pickle.dump((path, template, full, shared), sink, 5)
    original(self, path, template, context, part)
writer.Writer.page = page
# One process (jobs=1): a forked second one would write into the same pickle stream.
build.build_site(Path(sys.argv[1]), Path(sys.argv[2]), jobs=1)
sink.close()
"""

BARE = """
import pickle, sys, time
from pathlib import Path
import jinja2
from publisher.web.templates import environment
env = environment()
out = Path(sys.argv[2])
made, spent = 0, 0.0
with open(sys.argv[1], "rb") as fh:
    while True:
        try:
            path, template, context, shared = pickle.load(fh)
        except EOFError:
            break
        target = out / path
        target.parent.mkdir(parents=True, exist_ok=True)
        t0 = time.perf_counter()
        html = env.get_template(template).render(context)
        if shared:  # the release's citation, where the verification page marks it
            html = html.replace(shared[0], shared[1], 1)
        target.write_text(html, encoding="utf-8")
        spent += time.perf_counter() - t0
        made += 1
print(made, spent)
"""

OURS_NOTICES = """
import sys, time
from pathlib import Path
from publisher.web.build import notice_pages
t0 = time.perf_counter()
n = notice_pages(Path(sys.argv[1]), Path(sys.argv[2]), int(sys.argv[3]))
print(n, time.perf_counter() - t0)
"""

SEARCH_ONLY = """
import sys
from pathlib import Path
from publisher.read import catalog
from publisher.read.reader import Reader
from publisher.web.build import _search_index
reader = Reader(Path(sys.argv[1]))
index = list(catalog.notice_index(reader))
search = _search_index(reader, index, catalog.authorities(reader))
out = Path(sys.argv[2])
size = 0
for path, data in search.files():
    (out / path).parent.mkdir(parents=True, exist_ok=True)
    (out / path).write_bytes(data)
    size += len(data)
print(search.count, size)
"""

HUGO_SINGLE = """<!DOCTYPE html>
<html lang="zh-CN">
<head><meta charset="utf-8"><title>{{ .Title }} · 广告发布登记公告</title>
<link rel="stylesheet" href="{{ "assets/style.css" | relURL }}"></head>
<body class="notice-page">
<header class="site"><a class="brand" href="{{ "index.html" | relURL }}">广告发布登记公告</a></header>
<main><article class="notice">
<header class="masthead"><p class="authority">{{ .Params.authority }}</p>
<h1>{{ .Title }}</h1>
<p class="number">{{ with .Params.number }}公告编号：{{ . }}{{ else }}adreg汇编，无公告编号（{{ $.Params.id }}）{{ end }}</p>
<p class="date">发布日期：<time datetime="{{ .Date.Format "2006-01-02" }}">{{ .Date.Format "2006年1月2日" }}</time></p>
</header>
<div class="body">{{ .Content }}</div>
<footer class="notice-foot"><p>特此公告。</p><p class="sign">{{ .Params.authority }}</p></footer>
</article>
<aside class="links"><ul>{{ range .Params.registrants }}<li>广告发布单位：{{ . }}</li>{{ end }}
<li>永久链接：<a href="{{ .RelPermalink }}">{{ .RelPermalink }}</a></li></ul></aside></main>
<footer class="site"><p>依《广告发布登记管理规定》第十六条公开的广告发布登记决定。</p></footer>
</body></html>
"""


def hugo_project(release: Path, folder: Path, count: int) -> int:
    """The first ``count`` notices of ``release`` as a Hugo site of Markdown pages."""
    sys.path.insert(0, str(HERE.parent))
    from itertools import islice

    from publisher.read import catalog
    from publisher.read.reader import Reader

    if folder.exists():
        shutil.rmtree(folder)
    (folder / "layouts" / "_default").mkdir(parents=True)
    (folder / "content" / "notices").mkdir(parents=True)
    (folder / "hugo.toml").write_text(
        'baseURL = "/"\nlanguageCode = "zh-CN"\nrelativeURLs = true\nuglyURLs = true\n'
        'disableKinds = ["taxonomy", "term", "RSS", "sitemap", "robotsTXT", "404"]\n'
        "[markup.goldmark.renderer]\nunsafe = false\n",
        encoding="utf-8",
    )
    (folder / "layouts" / "_default" / "single.html").write_text(HUGO_SINGLE, encoding="utf-8")
    (folder / "layouts" / "_default" / "list.html").write_text(
        '<!DOCTYPE html><html lang="zh-CN"><head><meta charset="utf-8"><title>{{ .Title }}</title>'
        '</head><body><ul>{{ range .Pages }}<li><a href="{{ .RelPermalink }}">{{ .Title }}</a>'
        "</li>{{ end }}</ul></body></html>\n",
        encoding="utf-8",
    )
    reader = Reader(release)
    n = 0
    for notice in islice(catalog.all_notices(reader), count):
        front = {
            "title": notice.title,
            "date": notice.publication_date.isoformat(),
            "authority": notice.authority_name,
            "number": notice.notice_number or "",
            "id": notice.id,
            "registrants": sorted({d.publisher_name for d in notice.decisions}),
        }
        lines = []
        for line in notice.body.splitlines():
            text = line.strip().replace("*", "\\*").replace("_", "\\_")
            lines.append(("- " if line.startswith("   ") else "") + text)
        body = "\n".join(lines)
        (folder / "content" / "notices" / f"{notice.id}.md").write_text(
            json.dumps(front, ensure_ascii=False) + "\n\n" + body + "\n", encoding="utf-8"
        )
        n += 1
    return n


def python() -> str:
    return sys.executable


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--seeds", type=int, default=30)
    ap.add_argument("--publishers", type=int, default=1000)
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--hugo-pages", type=int, default=10_000)
    ap.add_argument("--pagefind", action="store_true", help="also index with Pagefind (slow)")
    ap.add_argument("--work", type=Path, default=HERE / "work")
    args = ap.parse_args()
    print(f"commit {code_version()}")
    info = site_data.releases(args.work, args.seeds, args.publishers)
    r1, r2 = Path(info["first"]["release"]), Path(info["second"]["release"])
    print(
        f"release 1: {info['first']['counts']['notices']:,} notices, "
        f"{info['first']['counts']['decisions']:,} decisions, {info['authorities']} authorities"
    )
    base = args.work / f"site-run-s{args.seeds}-p{args.publishers}"
    if base.exists():
        shutil.rmtree(base)
    base.mkdir(parents=True)
    adreg = tool("adreg")
    root = HERE.parent
    hugo = shutil.which("hugo")
    if not hugo:
        sys.exit("hugo not found: make bench-deps (Debian's hugo)")

    # Contexts for the bare loop: captured once from a full build (not timed).
    contexts = base / "contexts.pickle"
    subprocess.run(
        [python(), "-c", CAPTURE, str(r1), str(base / "capture"), str(contexts)],
        check=True,
        cwd=root,
    )
    shutil.rmtree(base / "capture")
    (base / "capture.json").unlink()
    hugo_dir = base / "hugo"
    made = hugo_project(r1, hugo_dir, args.hugo_pages)
    print(f"Hugo project: {made:,} notices as Markdown")

    rows: dict[str, list[dict[str, Any]]] = {k: [] for k in "ABCD"}
    for rnd in range(1, args.rounds + 1):
        out_a = base / f"a{rnd}" / "site"
        m = measured([adreg, "build-site", str(r1), "--out", str(out_a)], root, base / "a.out")
        text = (base / "a.out").read_text()
        pages = json.loads((out_a.parent / "site.json").read_text())["pages"]
        m["html"] = sum(1 for p in pages if p.endswith(".html"))
        m["files"] = len(pages)
        rows["A"].append(m)
        print(
            f"round {rnd} A ours: {m['html']:,} pages ({m['files']:,} files) in {m['wall']:.1f} s, "
            f"{m['html'] / m['wall']:,.0f} pages/s, peak {m['rss']:,.0f} MiB  [{text.strip()}]"
        )
        out_b = base / f"b{rnd}"
        m = measured([python(), "-c", BARE, str(contexts), str(out_b)], root, base / "b.out")
        made_b, spent = (base / "b.out").read_text().split()
        m["html"], m["spent"] = int(made_b), float(spent)
        rows["B"].append(m)
        print(
            f"round {rnd} B bare Jinja2: {m['html']:,} pages, render+write {m['spent']:.1f} s "
            f"({m['html'] / m['spent']:,.0f} pages/s)"
        )
        shutil.rmtree(out_b)
        out_c = base / f"c{rnd}"
        m = measured(
            [python(), "-c", OURS_NOTICES, str(r1), str(out_c), str(args.hugo_pages)],
            root,
            base / "c.out",
        )
        m["pages"] = int((base / "c.out").read_text().split()[0])
        rows["C"].append(m)
        print(
            f"round {rnd} C ours, notices: {m['pages']:,} in {m['wall']:.2f} s "
            f"({m['pages'] / m['wall']:,.0f} pages/s)"
        )
        shutil.rmtree(out_c)
        (base / f"c{rnd}.json").unlink(missing_ok=True)
        out_d = base / f"d{rnd}"
        m = measured([hugo, "--quiet", "-s", str(hugo_dir), "-d", str(out_d)], root)
        m["pages"] = sum(1 for _ in out_d.rglob("*.html"))
        rows["D"].append(m)
        print(
            f"round {rnd} D hugo: {m['pages']:,} pages in {m['wall']:.2f} s "
            f"({m['pages'] / m['wall']:,.0f} pages/s), rc {m['rc']}"
        )
        shutil.rmtree(out_d)
        if rnd < args.rounds:
            shutil.rmtree(out_a.parent)
    out_a = base / f"a{args.rounds}" / "site"

    out_e = base / "e" / "site"
    e = measured(
        [adreg, "build-site", str(r2), "--out", str(out_e), "--previous", str(out_a)],
        root,
        base / "e.out",
    )
    e_text = (base / "e.out").read_text().strip()
    found = re.search(r"\((\d+) written, (\d+) reused\)", e_text)
    print(
        f"E incremental after 100 new decisions: {e['wall']:.1f} s, peak {e['rss']:,.0f} MiB "
        f"[{e_text}]"
    )
    f = measured([python(), "-c", SEARCH_ONLY, str(r1), str(base / "f")], root, base / "f.out")
    docs, size = (base / "f.out").read_text().split()
    print(
        f"F search index alone: {int(docs):,} documents, {int(size) / 2**20:.1f} MiB in "
        f"{f['wall']:.1f} s, peak {f['rss']:,.0f} MiB"
    )
    g = None
    if args.pagefind:
        g = measured(
            [
                python(),
                "-m",
                "pagefind",
                "--site",
                str(out_a),
                "--glob",
                "notices/*.html",
                "--output-path",
                str(base / "pagefind"),
            ],
            root,
            base / "g.out",
        )
        print(
            f"G Pagefind (extended) on {info['first']['counts']['notices']:,} notice pages: "
            f"{g['wall']:.1f} s, peak {g['rss']:,.0f} MiB, rc {g['rc']}"
        )

    a_rate = statistics.median(m["html"] / m["wall"] for m in rows["A"])
    b_rate = statistics.median(m["html"] / m["spent"] for m in rows["B"])
    c_rate = statistics.median(m["pages"] / m["wall"] for m in rows["C"])
    d_rate = statistics.median(m["pages"] / m["wall"] for m in rows["D"])
    summary = {
        "notices": info["first"]["counts"]["notices"],
        "pages": rows["A"][0]["html"],
        "ours_pages_per_s": round(a_rate),
        "bare_jinja_pages_per_s": round(b_rate),
        "ratio_vs_bare": round(a_rate / b_rate, 2),
        "ours_notice_pages_per_s": round(c_rate),
        "hugo_pages_per_s": round(d_rate),
        "ratio_vs_hugo": round(c_rate / d_rate, 2),
        "full_build_s": round(statistics.median(m["wall"] for m in rows["A"]), 1),
        "full_build_peak_mib": round(max(m["rss"] for m in rows["A"])),
        "incremental_s": round(e["wall"], 1),
        "incremental_written": int(found[1]) if found else None,
        "incremental_reused": int(found[2]) if found else None,
        "search_index_peak_mib": round(f["rss"]),
        "pagefind_peak_mib": round(g["rss"]) if g else None,
        "pagefind_s": round(g["wall"], 1) if g else None,
    }
    print(json.dumps(summary, indent=1))
    ok = (
        summary["ratio_vs_bare"] >= 0.7
        and summary["ratio_vs_hugo"] >= 1.5
        and summary["search_index_peak_mib"] <= 2048
        and summary["incremental_s"] <= INCREMENTAL_S
    )
    print("goals: " + ("met" if ok else "NOT met"))


if __name__ == "__main__":
    main()
