"""Every command and sub-command has help text and answers --help (sqlite-utils' habit)."""

from __future__ import annotations

import pytest
import typer
from typer import _click  # typer vendors click: its commands and contexts are not the click package's
from typer.core import TyperGroup
from typer.testing import CliRunner

from khabar.cli import app

runner = CliRunner()


def _commands(
    group: TyperGroup, prefix: tuple[str, ...] = ()
) -> list[tuple[tuple[str, ...], _click.Command]]:
    out = []
    ctx = _click.Context(group)
    # list_commands, not .commands: plug-in commands (khabar.commands entry points) are added when first listed
    for name in group.list_commands(ctx):
        cmd = group.get_command(ctx, name)
        assert cmd is not None
        out.append(((*prefix, name), cmd))
        if isinstance(cmd, TyperGroup):
            out += _commands(cmd, (*prefix, name))
    return out


_ROOT = typer.main.get_command(app)
assert isinstance(_ROOT, TyperGroup)
COMMANDS = _commands(_ROOT)


def test_the_documented_commands_exist():
    names = {" ".join(path) for path, _ in COMMANDS}
    for wanted in (
        "ingest",
        "backfill",
        "reprocess",
        "import",
        "extract",
        "sql",
        "search",
        "export",
        "status",
        "simweb",
        "demo",
        "serve",
    ):
        assert wanted in names


@pytest.mark.parametrize("path", [p for p, _ in COMMANDS], ids=lambda p: " ".join(p))
def test_help(path):
    result = runner.invoke(app, [*path, "--help"])
    assert result.exit_code == 0, result.output
    assert "Usage" in result.output
    cmd = dict(COMMANDS)[path]
    assert (cmd.help or "").strip(), f"{' '.join(path)} has no help text"
