"""Licence information a public-sector catalogue can read: REUSE-compliant (`reuse lint`, a
deploy_tools test), the fonts ship their OFL text, vendored assets keep their licences, and
publiccode.yml has what the publiccode.yml standard 0.4 requires."""

from __future__ import annotations

import os
import re
import subprocess
import tomllib
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).parents[2]
CACHE = Path(os.environ.get("CHALLENGE_CI_CACHE", "/var/cache/challenge-ci"))
VENDOR = ROOT / "static" / "vendor"
CATEGORIES = {  # the standard's category list (the ones a portal like this could use)
    "applicant-tracking",
    "document-management",
    "grant-management",
    "project-management",
    "workflow-management",
    "data-collection",
    "procurement",
    "contact-management",
}


def annotations() -> list[dict]:
    return tomllib.loads((ROOT / "REUSE.toml").read_text())["annotations"]


def licence_for(path: str) -> str:
    """The licence REUSE.toml gives a file (the last matching override wins)."""
    found = None
    for annotation in annotations():
        patterns = (
            annotation["path"] if isinstance(annotation["path"], list) else [annotation["path"]]
        )
        for pattern in patterns:
            regex = re.escape(pattern).replace(r"\*\*", ".*").replace(r"\*", "[^/]*")
            if re.fullmatch(regex, path):
                found = annotation["SPDX-License-Identifier"]
    return found


def test_fonts_ship_their_ofl_text_and_are_declared_ofl():
    fonts = sorted(p for p in VENDOR.rglob("*") if p.suffix in {".woff", ".woff2", ".ttf", ".otf"})
    assert fonts
    for font in fonts:
        assert licence_for(font.relative_to(ROOT).as_posix()) == "OFL-1.1", font
        assert "SIL OPEN FONT LICENSE" in (font.parent.parent / "OFL.txt").read_text()
    assert (ROOT / "LICENSES" / "OFL-1.1.txt").exists()


def test_vendored_assets_keep_their_licences():
    expected = {
        "htmx.org-2.0.11": "0BSD",
        "kern-ux-native-2.7.2": "EUPL-1.2",
        "swagger-ui-dist-5.35.0": "Apache-2.0",
    }
    for folder, licence in expected.items():
        assert licence_for(f"static/vendor/{folder}/package.json") == licence, folder
        assert any((VENDOR / folder / name).exists() for name in ("LICENSE", "LICENSE.md")), folder
    assert licence_for("challenge/app.py") == "EUPL-1.2"
    used = {
        part
        for a in annotations()
        for part in re.findall(r"[A-Za-z0-9.-]+", a["SPDX-License-Identifier"])
        if part not in {"AND", "OR"}
    }
    assert used == {p.stem for p in (ROOT / "LICENSES").glob("*.txt")}


def test_publiccode_yml_has_what_the_standard_requires():
    code = yaml.safe_load((ROOT / "publiccode.yml").read_text())
    assert code["publiccodeYmlVersion"] == "0.4"
    for key in (
        "name",
        "url",
        "platforms",
        "categories",
        "developmentStatus",
        "softwareType",
        "description",
        "legal",
        "maintenance",
        "localisation",
    ):
        assert code[key], key
    assert set(code["categories"]) <= CATEGORIES
    assert code["developmentStatus"] in {"concept", "development", "beta", "stable", "obsolete"}
    assert code["softwareType"] == "standalone/web"
    assert (
        code["legal"]["license"]
        == tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["license"]
    )
    assert (
        code["softwareVersion"]
        == tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["version"]
    )
    assert code["maintenance"]["type"] in {"internal", "contract", "community", "none"}
    assert set(code["localisation"]["availableLanguages"]) == {"de", "en"}
    for language, text in code["description"].items():
        assert len(text["shortDescription"]) <= 150, language
        assert 150 <= len(text["longDescription"]) <= 10000, language
        assert text["features"], language


@pytest.mark.deploy_tools
def test_reuse_lint_passes():
    done = subprocess.run(
        [str(CACHE / "tools" / "bin" / "reuse"), "--root", str(ROOT), "lint"],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stdout[-3000:]
