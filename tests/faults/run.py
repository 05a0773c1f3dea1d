"""Run the fault tests and print the totals table (submitted, acknowledged, stored, lost).

    .venv/bin/python tests/faults/run.py [--quick] [pytest args...]

``--quick`` runs only the tests that fit in CI (see tests/faults/README in bench/README.md).
Exits with pytest's status.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
QUICK = ["-k", "web_server"]


def main(argv: list[str]) -> int:
    extra = [a for a in argv if a != "--quick"]
    if "--quick" in argv:
        extra = QUICK + extra
    with tempfile.NamedTemporaryFile("r", suffix=".jsonl") as report:
        status = subprocess.run(
            [
                str(ROOT / ".venv" / "bin" / "pytest"),
                "-p",
                "no:cacheprovider",
                "-m",
                "faults",
                "-o",
                "markers=faults: kills and restarts real processes (make faults)",
                "-q",
                "tests/faults",
                *extra,
            ],
            cwd=ROOT,
            env=os.environ | {"KANAL_FAULTS_REPORT": report.name},
            check=False,
        ).returncode
        rows = [json.loads(line) for line in Path(report.name).read_text().splitlines() if line]
    sys.path.insert(0, str(ROOT))
    from bench.harness import table

    print()
    print(table(
        [[r["scenario"], r["submitted"], r["acknowledged"], r["stored"], r["duplicates"],
          r["lost"], "; ".join(f"{k}: {v}" for k, v in r["notes"].items())] for r in rows],
        ["scenario", "submitted", "acknowledged", "stored", "duplicates", "lost", "notes"],
    ))  # fmt: skip
    lost = sum(r["lost"] for r in rows)
    print(f"lost in total: {lost} (must be 0)")
    return status or (1 if lost else 0)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
