"""Docs stay true: every CLI command is documented in the README and has help text."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from publisher.cli import cli

README = (Path(__file__).resolve().parent.parent / "README.md").read_text(encoding="utf-8")


@pytest.mark.parametrize("name", sorted(cli.commands))
def test_every_command_is_documented_in_the_readme(name: str) -> None:
    assert f"`adreg {name}" in README, f"README does not document `adreg {name}`"


@pytest.mark.parametrize("name", sorted(cli.commands))
def test_every_command_has_help(name: str) -> None:
    result = CliRunner().invoke(cli, [name, "--help"])
    assert result.exit_code == 0
    assert (cli.commands[name].help or "").strip(), f"{name} has no docstring"
    assert "Usage:" in result.output


def test_readme_quickstart_is_two_make_commands() -> None:
    quickstart = README.split("## Quickstart", 1)[1].split("##", 1)[0]
    commands = [line for line in quickstart.splitlines() if line.startswith("make ")]
    assert [c.split()[1] for c in commands] == ["demo", "test"]
    ci = (Path(__file__).resolve().parent.parent / ".ci" / "run").read_text(encoding="utf-8")
    assert "make test" in ci


def test_every_api_path_is_documented_in_the_readme() -> None:
    import json

    document = json.loads((Path(__file__).with_name("openapi.json")).read_text(encoding="utf-8"))
    api = README.split("## HTTP API", 1)[1].split("\n## ", 1)[0]
    for path, item in document["paths"].items():
        for op in item.values():
            assert op["operationId"] in api, f"README's HTTP API does not name {op['operationId']}"
        stem = path.split("{", 1)[0].rstrip("/")
        assert stem in api, f"README's HTTP API does not show {path}"
