"""Refresh the message catalogs from the sources, keeping every existing translation.

    .venv/bin/python scripts/update_catalogs.py

Extracts all msgids (Python, page and mail templates), adds new ones to the German and
English catalogs with an empty translation, drops entries no source uses any more, and
lists the German entries that
still need a translation.
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.pofile import read_po, write_po

ROOT = Path(__file__).resolve().parent.parent
LOCALES = ROOT / "challenge" / "locale"


def main() -> int:
    with tempfile.TemporaryDirectory() as tmp:
        pot_path = Path(tmp) / "messages.pot"
        subprocess.run(
            [
                sys.executable,
                "-m",
                "babel.messages.frontend",
                "extract",
                "-F",
                "babel.cfg",
                "-k",
                "N_",
                "--no-location",
                "--omit-header",
                "-o",
                str(pot_path),
                ".",
            ],
            cwd=ROOT,
            check=True,
            capture_output=True,
        )
        with pot_path.open("rb") as handle:
            template = read_po(handle)
    untranslated = []
    for locale in ("de", "en"):
        path = LOCALES / locale / "LC_MESSAGES" / "messages.po"
        with path.open("rb") as handle:
            old = read_po(handle, locale=locale)
        new = Catalog(
            locale=locale,
            project=old.project,
            version=old.version,
            charset="utf-8",
            fuzzy=False,
            copyright_holder="Smart City Challenge portal contributors",
        )
        for message in template:
            if not message.id:
                continue
            previous = old.get(message.id)
            string = (
                previous.string
                if previous is not None
                else ("" if isinstance(message.id, str) else ("", ""))
            )
            new.add(message.id, string, flags=message.flags)
            if locale == "de" and not (string if isinstance(string, str) else all(string)):
                untranslated.append(message.id)
        with path.open("wb") as handle:
            write_po(handle, new, no_location=True, width=100)
    for msgid in untranslated:
        print("untranslated (de):", msgid)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
