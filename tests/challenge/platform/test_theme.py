"""Any city: CHALLENGE_THEME_DIR names the authority, replaces templates and static files; a bad
theme is refused at start-up with the variable named. The example theme in deploy/ is the one
tested, so the documentation cannot drift from the code."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from challenge.platform import theme
from challenge.platform.templating import configure, render
from challenge.settings import SettingsError
from tests.conftest import make_settings, other_app

EXAMPLE = Path(__file__).resolve().parents[3] / "deploy" / "theme-example"


@pytest.fixture
def musterstadt(tmp_path) -> Path:
    folder = tmp_path / "theme"
    shutil.copytree(EXAMPLE, folder)
    return folder


@pytest.fixture
def leipzig_again():
    """The theme is the process's: every test here leaves Leipzig's behind."""
    yield
    configure(None)


async def test_a_theme_names_its_city_everywhere_on_the_page(
    app, tmp_path, database_url, musterstadt, leipzig_again
):
    settings = make_settings(tmp_path / "var", database_url, theme_dir=str(musterstadt))
    async with other_app(app, settings) as client:
        home = (await client.get("/")).text
        english = (await client.get("/", headers={"Accept-Language": "en"})).text
        imprint = (await client.get("/impressum")).text
        privacy = (await client.get("/datenschutz")).text
        css = await client.get("/static/css/theme.css")
        logo = await client.get("/static/img/logo.svg")
        kern = await client.get("/static/vendor/kern-ux-native-2.7.2/kern.min.css")
    assert "Stadt Musterstadt" in home and "Offizielle Website der Stadt Musterstadt" in home
    assert "City of Musterstadt" in english
    # the frame names no other city (the calls' own texts are data and may name a city)
    frame = home.split("<main", 1)[0] + home.rsplit("</main>", 1)[1]
    assert "Leipzig" not in frame
    assert "Die Stadt Musterstadt sucht Ideen" in home  # the page's own words name the theme's city
    assert 'src="/static/img/logo.svg' in home
    assert "Rathausplatz 1, 12345 Musterstadt" in imprint  # the theme's own imprint template
    assert "Stadt Musterstadt" in privacy and "Leipzig" not in privacy  # the default, themed
    assert css.status_code == 200 and "#7a1f3d" in css.text
    assert logo.status_code == 200 and kern.status_code == 200  # the portal's files still served


async def test_without_a_theme_leipzig_is_the_default(client):
    home = (await client.get("/")).text
    assert "Stadt Leipzig" in home and "Offizielle Website der Stadt Leipzig" in home
    assert theme.current().party_id == "DE-LEIPZIG"


def test_mails_pdfs_and_open_data_follow_the_active_theme(
    musterstadt, leipzig_again, settings, tmp_path
):
    from partnerships.opendata import ocds

    configure(musterstadt)
    assert theme.current().prodid == "-//Stadt Musterstadt//Smart City Challenge//DE"
    assert ocds.city() == {"id": "DE-MUSTERSTADT", "name": "Stadt Musterstadt"}
    assert ocds.publisher(settings) == "Stadt Musterstadt"  # no publisher configured
    named = make_settings(tmp_path / "var", "sqlite:///x.db", opendata_publisher="Open Data Team")
    assert ocds.publisher(named) == "Open Data Team"
    footer = render("mail/_layout.txt", locale="de", base_url="http://x")
    assert "Stadt Musterstadt" in footer and "Leipzig" not in footer


@pytest.mark.parametrize(
    ("content", "fragment"),
    [
        ('city = "A"\nmayor = "B"\n', "mayor"),
        ("city = [1]\n", "city"),
        ("city = \n", "theme.toml"),
    ],
)
def test_a_bad_theme_file_is_refused_at_start_up(tmp_path, content, fragment):
    folder = tmp_path / "theme"
    folder.mkdir()
    (folder / "theme.toml").write_text(content)
    with pytest.raises(SettingsError, match="CHALLENGE_THEME_DIR") as error:
        make_settings(tmp_path / "var", "sqlite:///x.db", theme_dir=str(folder))
    assert fragment in str(error.value)


def test_a_missing_theme_folder_is_refused(tmp_path):
    with pytest.raises(SettingsError, match="CHALLENGE_THEME_DIR"):
        make_settings(tmp_path / "var", "sqlite:///x.db", theme_dir=str(tmp_path / "nowhere"))
