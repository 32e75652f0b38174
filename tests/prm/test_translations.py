"""The committed zh-hans translation is complete: no message without a translation, none fuzzy.

`bin/messages --check` also re-extracts the messages from the code (it needs gettext); this
test reads only the committed files, so it runs everywhere.
"""
import re
from pathlib import Path

import pytest

LOCALE = Path(__file__).resolve().parents[2] / "locale" / "zh_Hans" / "LC_MESSAGES"


def entries(path):
    """(flags, msgid, [msgstr...]) for every entry but the header."""
    for block in path.read_text(encoding="utf-8").split("\n\n"):
        lines = [line for line in block.strip().splitlines() if not line.startswith("#~")]
        flags = " ".join(line for line in lines if line.startswith("#,"))
        fields, current = {}, None
        for line in lines:
            match = re.match(r'^(msgctxt|msgid|msgid_plural|msgstr(?:\[\d+\])?) "(.*)"$', line)
            if match:
                current = match.group(1)
                fields[current] = match.group(2)
            elif line.startswith('"') and current:
                fields[current] += line[1:-1]
        if "msgid" not in fields or fields["msgid"] == "":
            continue
        yield flags, fields["msgid"], [value for key, value in fields.items() if key.startswith("msgstr")]


@pytest.mark.parametrize("domain", ["django", "djangojs"])
def test_every_message_is_translated(domain):
    po = LOCALE / f"{domain}.po"
    assert (LOCALE / f"{domain}.mo").exists(), f"{domain}.mo is missing: run bin/messages"
    found = list(entries(po))
    assert len(found) > 50
    untranslated = [msgid for _flags, msgid, strings in found if not strings or any(s == "" for s in strings)]
    fuzzy = [msgid for flags, msgid, _strings in found if "fuzzy" in flags]
    assert untranslated == [], f"untranslated in {po.name}: {untranslated[:10]}"
    assert fuzzy == [], f"fuzzy in {po.name}: {fuzzy[:10]}"
