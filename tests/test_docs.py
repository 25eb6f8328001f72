"""Every command has --help text and is documented in the README; CI runs the README's test command."""

from __future__ import annotations

import re

import click
import pytest
from click.testing import CliRunner

from conftest import ROOT
from coopfeed.cli import cli

README = (ROOT / "README.md").read_text(encoding="utf-8")


def commands(group: click.Group, prefix: tuple[str, ...] = ()):
    for name, command in group.commands.items():
        yield (*prefix, name)
        if isinstance(command, click.Group):
            yield from commands(command, (*prefix, name))


@pytest.mark.parametrize("path", list(commands(cli)), ids=" ".join)
def test_every_command_has_help(path):
    result = CliRunner().invoke(cli, [*path, "--help"])
    assert result.exit_code == 0 and "Usage:" in result.output
    command = cli
    for name in path:
        command = command.commands[name]
    assert command.help and command.help.strip()


@pytest.mark.parametrize("path", [p for p in commands(cli)], ids=" ".join)
def test_every_command_is_in_the_readme(path):
    assert f"coopfeed {' '.join(path)}" in README


def test_readme_starts_with_the_two_commands_and_ci_runs_the_second():
    blocks = re.findall(r"```(?:sh|bash)\n(.*?)```", README, re.S)
    demo, tests = blocks[0].strip(), blocks[1].strip()
    assert "coopfeed demo" in demo
    assert tests == "bash .ci/run"  # CI runs `bash .ci/run` too: the same command
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert "pip install -q -e '.[test]'" in ci and ".venv/bin/python -m pytest" in ci


def options(path: tuple[str, ...]) -> list[str]:
    command = cli
    for name in path:
        command = command.commands[name]
    return [opt for param in command.params if isinstance(param, click.Option) for opt in param.opts
            if opt.startswith("--") and opt != "--help"]


@pytest.mark.parametrize("path", [p for p in commands(cli)], ids=" ".join)
def test_every_option_of_every_command_is_in_the_readme(path):
    for option in options(path):
        assert re.search(rf"{re.escape(option)}(?![\w-])", README), (path, option)


def test_every_configuration_key_is_in_the_readme():
    from coopfeed.tomlfile import KNOWN_KEYS
    from crawler.sources import DEFAULTS, SELECTOR_KEYS
    from feeds.topics import FEEDS_KEYS, TOPIC_KEYS

    keys = {*KNOWN_KEYS, *DEFAULTS, "name", "profile", "start_urls", *SELECTOR_KEYS, *TOPIC_KEYS, *FEEDS_KEYS}
    for key in sorted(keys):
        assert re.search(rf"(^|[\s\[`.]){re.escape(key)}( =|`|\])", README, re.M), key
