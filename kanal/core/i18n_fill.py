"""Fill translations into a catalogue from a JSON object {msgid: msgstr} (a dev helper).

    python -m kanal.core.i18n_fill kanal/<app>/locale/id/LC_MESSAGES/django.po tr.json

Plural entries take the same msgstr for every form (Indonesian has one plural form).
Fuzzy flags are cleared on the entries it fills. Prints what is still untranslated.
"""

import json
import sys

import polib


def main(po_path: str, json_path: str) -> int:
    with open(json_path, encoding="utf-8") as f:
        translations = json.load(f)
    po = polib.pofile(po_path)
    po.metadata["Language"] = "id"
    po.metadata["Plural-Forms"] = "nplurals=1; plural=0;"
    for entry in po:
        if entry.msgid not in translations:
            continue
        if entry.msgid_plural:
            entry.msgstr_plural = {0: translations[entry.msgid]}
        else:
            entry.msgstr = translations[entry.msgid]
        if "fuzzy" in entry.flags:
            entry.flags.remove("fuzzy")
        entry.previous_msgid = None
    po.save()
    left = [e.msgid for e in po.untranslated_entries() + po.fuzzy_entries()]
    for msgid in left:
        print(f"still untranslated: {msgid!r}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1], sys.argv[2]))
