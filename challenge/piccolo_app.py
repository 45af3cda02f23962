"""The ``challenge`` Piccolo app: platform and competition tables."""

import os

from piccolo.conf.apps import AppConfig

from challenge.calls.tables import Call
from challenge.platform.accounts.tables import RoleGrant, User

CURRENT_DIRECTORY = os.path.dirname(os.path.abspath(__file__))

APP_CONFIG = AppConfig(
    app_name="challenge",
    migrations_folder_path=os.path.join(CURRENT_DIRECTORY, "piccolo_migrations"),
    table_classes=[User, RoleGrant, Call],
    migration_dependencies=[],
    commands=[],
)
