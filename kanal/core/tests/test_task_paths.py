"""Tasks named by a dotted path stay inside their app.

An action names its own app's task by path (``enqueue_on_commit("kanal.x.tasks.y")``)
because tasks sit above actions in the layer contract. A path into another app would be
a dependency the import contracts cannot see: such a hop must be an import.
"""

from __future__ import annotations

import ast
from pathlib import Path

from django.conf import settings

KANAL = settings.BASE_DIR / "kanal"
CALLS = {"enqueue_on_commit", "import_string", "enqueue"}


def _literal_prefix(node: ast.expr) -> str | None:
    """The text of a string argument, or the literal start of an f-string."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    if isinstance(node, ast.JoinedStr) and node.values:
        first = node.values[0]
        if isinstance(first, ast.Constant) and isinstance(first.value, str):
            return first.value
    return None


def dotted_hops(path: Path) -> list[tuple[int, str]]:
    """(line, path) of every ``kanal.<app>.…`` string passed first to a task call in path."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if not isinstance(node, ast.Call) or not node.args:
            continue
        name = getattr(node.func, "id", None) or getattr(node.func, "attr", None)
        text = _literal_prefix(node.args[0])
        if name in CALLS and text and text.startswith("kanal."):
            found.append((node.lineno, text))
    return found


def foreign_hops() -> list[str]:
    problems = []
    for path in sorted(KANAL.rglob("*.py")):
        parts = path.relative_to(KANAL).parts
        if len(parts) < 2 or "tests" in parts or "migrations" in parts:
            continue
        app = parts[0]
        for line, dotted in dotted_hops(path):
            if dotted.split(".")[1] != app:
                problems.append(f"{path.relative_to(KANAL.parent)}:{line} names {dotted}")
    return problems


def test_no_task_is_named_by_a_path_into_another_app():
    assert foreign_hops() == [], "import the task instead, so the contracts see the hop"


def test_the_check_finds_a_path_into_another_app(tmp_path):
    """The scanner itself: a hop into another app by string, and one by f-string."""
    module = tmp_path / "sample.py"
    module.write_text(
        "enqueue_on_commit('kanal.channels.tasks.deliver_notice', 1)\n"
        "enqueue_on_commit(f'kanal.publishing.tasks.{name}', 2)\n"
        "enqueue_on_commit(deliver_notice, 3)\n"
        "log('kanal.channels.tasks.not_a_task_call')\n"
    )
    assert dotted_hops(module) == [
        (1, "kanal.channels.tasks.deliver_notice"),
        (2, "kanal.publishing.tasks."),
    ]
