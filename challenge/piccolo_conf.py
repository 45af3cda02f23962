"""Piccolo configuration: both apps, and the engine from CHALLENGE_DATABASE_URL.

The portal replaces ``DB`` through ``challenge.db.bind`` at start-up; the value here serves
Piccolo's own command line (``PICCOLO_CONF=challenge.piccolo_conf piccolo migrations …``).
"""

from piccolo.conf.apps import AppRegistry

APP_REGISTRY = AppRegistry(
    apps=["challenge.piccolo_app", "partnerships.piccolo_app"],
)


def _engine_from_environment():
    from challenge.engines import engine_from_url
    from challenge.settings import load_settings

    return engine_from_url(load_settings().database_url)


DB = _engine_from_environment()
