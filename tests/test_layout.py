"""The package layout shows the data flow, and imports only go downwards.

Layers, lowest first: the shared core (records, value parsing, errors, the release
manifest), then the stages ``ingest``, ``derive`` and the read side ``read`` (which
know nothing of each other, except that derive may use ingest's results never),
then the site builder ``web`` and Datasette's configuration ``explore`` (both on the
read side only), then ``release`` (which assembles them, builds the site into a release
and ships Datasette's configuration with it), then the command line and ``serve``. The
sample generator stands apart. The API sits on the read side.
"""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CORE = {"model", "values", "errors", "manifest", "runtime", "vocabulary", "law", "faults"}
# Which layers a module of each layer may import (besides the standard library and PyPI).
ALLOWED: dict[str, set[str]] = {
    "core": {"core"},
    "ingest": {"core", "ingest"},
    "derive": {"core", "derive"},
    "read": {"core", "read"},
    "web": {"core", "read", "web"},
    "explore": {"core", "read", "explore"},
    "release": {"core", "ingest", "derive", "read", "web", "explore", "release"},
    "samples": {"samples"},
    "cli": {
        "core",
        "ingest",
        "derive",
        "read",
        "web",
        "explore",
        "release",
        "samples",
        "cli",
        "api",
    },
    "api": {"core", "read", "api"},
}
MAX_LINES = 550


def layer(module: str) -> str:
    parts = module.split(".")
    if parts[0] == "api":
        return "api"
    name = parts[1] if len(parts) > 1 else ""
    if name in CORE:
        return "core"
    if name in ("cli", "serve"):
        return "cli"
    return name


def modules() -> dict[str, Path]:
    found = {}
    for top in ("publisher", "api"):
        for path in (ROOT / top).rglob("*.py"):
            parts = path.relative_to(ROOT).with_suffix("").parts
            if parts[-1] == "__init__":
                parts = parts[:-1]
            found[".".join(parts)] = path
    return found


def imports(module: str, path: Path) -> set[str]:
    """Every project module ``module`` imports, at any depth of its code."""
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    out = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[: len(base) - node.level + 1]
                target = ".".join([*base, node.module] if node.module else base)
            else:
                target = node.module or ""
            names = [target] + [f"{target}.{a.name}" for a in node.names]
        elif isinstance(node, ast.Import):
            names = [a.name for a in node.names]
        else:
            continue
        for name in names:
            if name.split(".")[0] in ("publisher", "api"):
                out.add(name)
    return out


def test_imports_only_go_downwards() -> None:
    mods = modules()
    wrong = []
    for module, path in mods.items():
        if module in ("publisher", "api"):
            continue
        mine = layer(module)
        for target in imports(module, path):
            if target not in mods or target in ("publisher", "api"):
                continue
            theirs = layer(target)
            if theirs not in ALLOWED[mine]:
                wrong.append(f"{module} ({mine}) imports {target} ({theirs})")
    assert wrong == []


def test_no_import_cycles() -> None:
    mods = modules()
    graph = {m: {t for t in imports(m, p) if t in mods and t != m} for m, p in mods.items()}
    state: dict[str, int] = {}
    cycles: list[list[str]] = []

    def visit(m: str, path: list[str]) -> None:
        state[m] = 1
        for t in graph[m]:
            if state.get(t) == 1:
                cycles.append([*path[path.index(t) :], t] if t in path else [m, t])
            elif t not in state:
                visit(t, [*path, t])
        state[m] = 2

    for m in sorted(graph):
        if m not in state:
            visit(m, [m])
    assert cycles == []


def test_the_read_side_knows_no_pipeline_stage() -> None:
    mods = modules()
    for module, path in mods.items():
        if layer(module) == "read":
            stages = {layer(t) for t in imports(module, path) if t in mods}
            assert stages <= {"core", "read"}, (module, stages)


def test_stages_are_packages_with_a_docstring_saying_what_flows() -> None:
    for stage in ("ingest", "derive", "release", "read", "web", "explore", "samples"):
        init = ROOT / "publisher" / stage / "__init__.py"
        doc = ast.get_docstring(ast.parse(init.read_text(encoding="utf-8")))
        assert doc, f"publisher/{stage}/__init__.py has no docstring"
        if stage != "samples":
            assert "Flows in" in doc and "Flows out" in doc, stage


def test_modules_stay_short() -> None:
    long = {
        str(p.relative_to(ROOT)): n
        for p in modules().values()
        if (n := len(p.read_text(encoding="utf-8").splitlines())) > MAX_LINES
    }
    assert long == {}


def test_no_module_named_site() -> None:
    for path in ROOT.rglob("*.py"):
        if ".venv" in path.parts or "build" in path.parts:
            continue
        assert path.stem != "site", path
    assert not (ROOT / "site" / "__init__.py").exists()
