"""deploy/*.service run exactly the production command, and systemd accepts them."""

import configparser
import shlex
import shutil
import subprocess
from pathlib import Path

import pytest
from django.conf import settings

from kanal.core.management.commands.serve import Command as Serve

DEPLOY = Path(settings.BASE_DIR) / "deploy"
UNITS = sorted(DEPLOY.glob("*.service"))


def _unit(path: Path) -> configparser.ConfigParser:
    parser = configparser.ConfigParser(strict=False, interpolation=None)
    parser.optionxform = str  # systemd keys are case-sensitive
    parser.read(path)
    return parser


def test_there_is_a_unit_for_the_node_and_one_for_extra_workers():
    assert [u.name for u in UNITS] == ["kanal-worker@.service", "kanal.service"]


@pytest.mark.parametrize("path", UNITS, ids=lambda p: p.name)
def test_each_unit_runs_manage_py_serve_with_options_serve_accepts(path):
    service = _unit(path)["Service"]
    argv = shlex.split(service["ExecStart"])
    assert argv[:3] == ["/srv/kanal/.venv/bin/python", "manage.py", "serve"]
    options = (
        Serve()
        .create_parser("manage.py", "serve")
        .parse_args([a.replace("%i", "intake") for a in argv[3:]])
    )
    if path.name == "kanal.service":
        assert argv[3:] == []  # the whole node: web, workers, scheduler
        assert options.web and options.scheduler
    else:
        assert (options.web, options.scheduler, options.queues) == (False, False, "intake")
    assert service["WorkingDirectory"] == "/srv/kanal"
    assert service["EnvironmentFile"] == "/etc/kanal/kanal.env"
    assert service["KillMode"] == "mixed" and service["Restart"] == "always"
    # The only writable place is KANAL_VAR_DIR of the example environment file.
    example = (DEPLOY / "kanal.env.example").read_text()
    assert f"KANAL_VAR_DIR={service['ReadWritePaths']}" in example


def test_the_deploy_guide_names_the_same_command():
    guide = (Path(settings.BASE_DIR) / "docs" / "deploy.md").read_text()
    for path in UNITS:
        assert f"deploy/{path.name}" in guide
        assert _unit(path)["Service"]["ExecStart"] in guide


@pytest.mark.skipif(not shutil.which("systemd-analyze"), reason="systemd-analyze not installed")
def test_systemd_analyze_verifies_the_units(tmp_path):
    """The units as installed on a machine where Kanal lives in this checkout."""
    env_file = tmp_path / "kanal.env"
    env_file.write_text((DEPLOY / "kanal.env.example").read_text())
    names = []
    for path in UNITS:
        text = path.read_text().replace("/srv/kanal", str(settings.BASE_DIR))
        text = text.replace("/etc/kanal/kanal.env", str(env_file))
        name = path.name.replace("@.", "@intake.")  # a template is verified as an instance
        (tmp_path / name).write_text(text)
        names.append(str(tmp_path / name))
    result = subprocess.run(
        ["systemd-analyze", "verify", "--man=no", *names], capture_output=True, text=True
    )
    problems = [line for line in result.stderr.splitlines() if str(tmp_path) in line]
    assert result.returncode == 0 and problems == [], result.stderr
