"""Fail when a gettext catalogue has untranslated or fuzzy entries (make i18n-check)."""

import sys

import polib


def problems(path: str) -> list[str]:
    po = polib.pofile(path)
    return [e.msgid for e in po.untranslated_entries()] + [
        f"(fuzzy) {e.msgid}" for e in po.fuzzy_entries()
    ]


def main(argv: list[str]) -> int:
    failed = 0
    for path in argv[1:]:
        found = problems(path)
        for msgid in found:
            print(f"untranslated: {msgid!r}")
        print(f"{path}: {len(found)} untranslated or fuzzy")
        failed += len(found)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
