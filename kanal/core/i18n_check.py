"""Fail when a gettext catalogue has untranslated or fuzzy entries (make i18n-check)."""

import sys

import polib


def problems(path: str) -> list[str]:
    po = polib.pofile(path)
    return [e.msgid for e in po.untranslated_entries()] + [
        f"(fuzzy) {e.msgid}" for e in po.fuzzy_entries()
    ]


def main(argv: list[str]) -> int:
    found = problems(argv[1])
    for msgid in found:
        print(f"untranslated: {msgid!r}")
    print(f"{argv[1]}: {len(found)} untranslated or fuzzy")
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
