"""The ``partnerships`` Piccolo app: contracts, milestones, payments. Depends on ``challenge``."""

import os

from piccolo.conf.apps import AppConfig

from partnerships.development.tables import (
    ChecklistItem,
    DevelopmentPhase,
    Meeting,
    Offer,
    PilotDecision,
    PitchEvent,
    PitchSlot,
)
from partnerships.tables import (
    Amendment,
    Evidence,
    Milestone,
    MilestoneReview,
    Partnership,
    Payment,
    Reminder,
    SupplierName,
)

CURRENT_DIRECTORY = os.path.dirname(os.path.abspath(__file__))

APP_CONFIG = AppConfig(
    app_name="partnerships",
    migrations_folder_path=os.path.join(CURRENT_DIRECTORY, "piccolo_migrations"),
    table_classes=[
        Partnership,
        Milestone,
        Evidence,
        MilestoneReview,
        Payment,
        Amendment,
        Reminder,
        SupplierName,
        DevelopmentPhase,
        ChecklistItem,
        Meeting,
        Offer,
        PitchEvent,
        PitchSlot,
        PilotDecision,
    ],
    migration_dependencies=["challenge.piccolo_app"],
    commands=[],
)
