"""Every setting in one place: read from the environment in settings.py, listed in the docs.

The settings table is every Markdown table in docs/deploy.md whose first column is
headed "variable" (the "Settings" section, and the "Channels and mail" section kept by
the channels work): a variable read in settings.py and missing from the tables, or
listed but no longer read, fails here. App code reads ``settings.X``; a
``getattr(settings, "KANAL_…", default)`` would hide a setting from both.
"""

import re
from pathlib import Path

from django.conf import settings

ROOT = Path(settings.BASE_DIR)
SETTINGS_PY = ROOT / "kanal" / "settings.py"
# settings.py imports its channels-and-mail and operations parts; all read the environment.
SETTINGS_FILES = (
    SETTINGS_PY,
    ROOT / "kanal" / "settings_channels.py",
    ROOT / "kanal" / "settings_operations.py",
    ROOT / "kanal" / "core" / "env.py",
)
DEPLOY_MD = ROOT / "docs" / "deploy.md"
README = ROOT / "README.md"

# os.environ.get("X"), os.environ["X"], env_bool("X", …), env_int(…) and the other helpers.
ENV_READ = re.compile(
    r"""(?:os\.environ\.get|os\.environ\[|env_\w+)\(?\s*["']([A-Z][A-Z0-9_]+)["']"""
)


def variables_read_by_settings() -> set[str]:
    return {name for path in SETTINGS_FILES for name in ENV_READ.findall(path.read_text())}


def table_rows(markdown: str) -> dict[str, tuple[str, str]]:
    """{variable: (meaning, default)} from every table headed | variable | meaning | default |."""
    rows: dict[str, tuple[str, str]] = {}
    in_table = False
    for line in markdown.splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")] if "|" in line else []
        if cells[:1] == ["variable"]:
            in_table = True
            continue
        if not cells:
            in_table = False
            continue
        if in_table and not set(cells[0]) <= {"-", ":", " "}:
            for name in re.findall(r"`([A-Z][A-Z0-9_]+)`", cells[0]):
                rows[name] = (
                    cells[1] if len(cells) > 1 else "",
                    cells[2] if len(cells) > 2 else "",
                )
    return rows


def test_the_table_parser_reads_names_meanings_and_defaults():
    sample = (
        "| variable | meaning | default |\n| --- | --- | --- |\n"
        "| `A_B` | one | `1` |\n| `C_1`, `D_2` | two | none |\n\nafter\n| `E_3` | not a row | x |\n"
    )
    assert table_rows(sample) == {
        "A_B": ("one", "`1`"),
        "C_1": ("two", "none"),
        "D_2": ("two", "none"),
    }


def test_every_variable_read_in_settings_is_in_the_docs_table_and_nothing_else_is():
    documented = table_rows(DEPLOY_MD.read_text())
    read = variables_read_by_settings()
    assert len(read) > 60
    assert sorted(read - set(documented)) == [], "read in settings.py but not in docs/deploy.md"
    assert sorted(set(documented) - read) == [], "in docs/deploy.md but not read by settings.py"
    assert all(meaning and default for meaning, default in documented.values())


def test_the_readme_table_is_a_subset_of_the_docs_table_with_the_same_defaults():
    documented = table_rows(DEPLOY_MD.read_text())
    readme = table_rows(README.read_text())
    assert readme, "README lost its configuration table"
    for name, (_meaning, default) in readme.items():
        assert name in documented, name
        assert default == documented[name][1], name


def test_app_code_reads_settings_attributes_never_getattr_with_a_default():
    pattern = re.compile(r"getattr\(\s*settings\s*,\s*[\"'](KANAL_\w+)[\"']", re.S)
    offenders = []
    for path in sorted((ROOT / "kanal").rglob("*.py")):
        if "tests" in path.parts or path in SETTINGS_FILES:
            continue
        for name in pattern.findall(path.read_text()):
            offenders.append(f"{path.relative_to(ROOT)}: {name}")
    assert offenders == []


def test_every_kanal_setting_the_code_reads_is_declared():
    used = set()
    for path in (ROOT / "kanal").rglob("*.py"):
        if "tests" not in path.parts:
            used |= set(re.findall(r"settings\.(KANAL_[A-Z0-9_]+)", path.read_text()))
    missing = sorted(n for n in used if not hasattr(settings, n))
    assert missing == []
