"""Public pages: bytes transferred per page type, and Lighthouse performance/accessibility.

    .venv/bin/python bench/pages.py [--no-lighthouse] [--runs 1]

Starts a fresh database (reference data plus a few public cases), gunicorn with
DEBUG off (WhiteNoise serves compressed, fingerprinted static files), then:

- bytes: each page's HTML plus every same-origin stylesheet, script and image it
  references, fetched with ``Accept-Encoding: gzip, br`` as a browser would. Django
  does not compress HTML itself (nginx does, see docs/deploy.md), so the HTML is counted
  both as served and gzip-compressed as nginx would send it. Target: ≤ 100 KB.
- Lighthouse 12 (mobile, simulated slow 4G and 4x CPU slowdown: its default lab profile)
  with Debian's Chromium, for the home page, the complaint form and a unit page.
  Installed on first use into ~/.cache/kanal-lighthouse (``npm i -E lighthouse@12.2.3``).
  Targets: performance ≥ 95, accessibility 100.

Baseline, same run: a 1-byte static file (the cheapest response the server can give),
for the bytes-per-request overhead of headers.
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import re
import subprocess
import sys
import tempfile
from pathlib import Path
from urllib.parse import urljoin, urlparse

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.harness import Client, Stack, table

LIGHTHOUSE_DIR = Path(
    os.environ.get("KANAL_LIGHTHOUSE_DIR", Path.home() / ".cache/kanal-lighthouse")
)
CHROME = os.environ.get("CHROME_PATH", "/usr/bin/chromium")
TARGET_KB = 100
ASSET_RE = re.compile(
    rb'<(?:link[^>]+rel="(?:stylesheet|icon|preload)"[^>]*href|script[^>]+src|img[^>]+src)="([^"]+)"'
)


def ensure_lighthouse() -> Path:
    binary = LIGHTHOUSE_DIR / "node_modules" / ".bin" / "lighthouse"
    if not binary.exists():
        LIGHTHOUSE_DIR.mkdir(parents=True, exist_ok=True)
        (LIGHTHOUSE_DIR / "package.json").write_text('{"private": true}')
        subprocess.run(
            ["npm", "i", "-E", "lighthouse@12.2.3", "--no-audit", "--no-fund"],
            cwd=LIGHTHOUSE_DIR,
            check=True,
            timeout=600,
        )
    return binary


def transferred(stack: Stack, path: str, expect: int = 200) -> dict:
    """Bytes of the page and its same-origin assets, as sent over the wire."""
    client = Client(stack.port)
    headers = {"Accept-Encoding": "gzip, br"}
    status, h, html = client.request("GET", path, headers=headers)
    if status != expect:
        raise RuntimeError(f"{path} answered {status}")
    encoded = h.get("Content-Encoding", "")
    html_gz = len(html) if encoded else len(gzip.compress(html, 6))
    assets, asset_bytes = [], 0
    for ref in dict.fromkeys(m.decode() for m in ASSET_RE.findall(html)):
        url = urlparse(urljoin(stack.url + path, ref))
        if url.netloc and url.netloc != f"127.0.0.1:{stack.port}":
            assets.append(f"EXTERNAL {ref}")
            continue
        s, _ah, body = client.request("GET", url.path, headers=headers)
        if s == 200:
            assets.append(url.path)
            asset_bytes += len(body)
    client.close()
    return {
        "html": len(html),
        "html_gz": html_gz,
        "assets": asset_bytes,
        "total": html_gz + asset_bytes,
        "files": len(assets),
        "external": [a for a in assets if a.startswith("EXTERNAL")],
    }


def lighthouse(binary: Path, url: str) -> dict:
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "report.json"
        command = [
            str(binary),
            url,
            "--quiet",
            "--output=json",
            f"--output-path={out}",
            "--only-categories=performance,accessibility",
            "--chrome-flags=--headless=new --no-sandbox --disable-gpu --disable-dev-shm-usage",
        ]
        # One retry: a headless Chromium now and then fails to start or to connect on a
        # busy machine; that says nothing about the page.
        for attempt in (1, 2):
            run = subprocess.run(
                command,
                env=os.environ | {"CHROME_PATH": CHROME},
                timeout=240,
                capture_output=True,
                text=True,
                check=False,
            )
            if run.returncode == 0 and out.exists():
                break
            print(f"lighthouse {url} attempt {attempt} failed: {run.stderr[-600:]}", flush=True)
        else:
            raise RuntimeError(f"lighthouse failed twice on {url} (its output above)")
        report = json.loads(out.read_text())
    audits = report["audits"]
    return {
        "performance": round(report["categories"]["performance"]["score"] * 100),
        "accessibility": round(report["categories"]["accessibility"]["score"] * 100),
        "lcp": audits["largest-contentful-paint"]["displayValue"],
        "weight": audits["total-byte-weight"]["numericValue"],
        "failed_a11y": [
            ref["id"]
            for ref in report["categories"]["accessibility"]["auditRefs"]
            if ref.get("weight") and audits[ref["id"]].get("score") not in (1, None)
        ],
    }


def seed(stack: Stack) -> str:
    """A few public cases so the lists and figures are not empty; returns a unit code."""
    stack.manage("complaints_demo_data", timeout=300)
    return "dpu"


def main(argv=None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--no-lighthouse", action="store_true")
    args = parser.parse_args(argv)
    rows, misses = [], []
    with Stack(name="pages") as stack:
        try:
            unit = seed(stack)
        except RuntimeError as exc:  # demo data is a convenience, not the measurement
            print(f"(no demo cases: {str(exc)[:200]})")
            unit = "dpu"
        stack.start_web()
        pages = {
            "home": "/",
            "complaint form": "/lapor/",
            "unit page": f"/opd/{unit}/",
            "track": "/lacak/",
            "public cases": "/aduan/",
            "figures": "/kinerja/",
        }
        base = transferred(stack, "/bench-no-such-page/", expect=404)
        binary = None if args.no_lighthouse else ensure_lighthouse()
        for name, path in pages.items():
            t = transferred(stack, path)
            lh = (
                lighthouse(binary, stack.url + path)
                if binary and name in ("home", "complaint form", "unit page")
                else None
            )
            row = [
                name,
                path,
                f"{t['html'] / 1024:.1f}",
                f"{t['html_gz'] / 1024:.1f}",
                f"{t['assets'] / 1024:.1f}",
                t["files"],
                f"{t['total'] / 1024:.1f}",
                f"{t['total'] / base['total']:.1f}x",
                lh["performance"] if lh else "-",
                lh["accessibility"] if lh else "-",
                lh["lcp"] if lh else "-",
            ]
            rows.append(row)
            print("  ".join(str(c) for c in row), flush=True)
            if t["total"] > TARGET_KB * 1024:
                misses.append(f"{name} {t['total'] / 1024:.0f} KB")
            if lh and (lh["performance"] < 95 or lh["accessibility"] < 100):
                misses.append(
                    f"{name} Lighthouse {lh['performance']}/{lh['accessibility']} "
                    f"{lh['failed_a11y']}"
                )
            if t["external"]:
                misses.append(f"{name} loads {t['external']}")
    print()
    print(
        table(
            rows,
            [
                "page",
                "path",
                "HTML KB",
                "HTML gz KB",
                "assets KB",
                "files",
                "total KB",
                "x 404",
                "LH perf",
                "LH a11y",
                "LCP",
            ],
        )
    )
    print(
        f"baseline: the 404 page (base template only) {base['total'] / 1024:.1f} KB "
        f"({base['files']} assets)"
    )
    summary = "all pages within targets" if not misses else "missed: " + "; ".join(misses)
    print(summary)
    return {"name": "pages", "rows": rows, "met": not misses, "summary": summary}


if __name__ == "__main__":
    main()
