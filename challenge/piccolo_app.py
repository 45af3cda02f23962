"""The ``challenge`` Piccolo app: platform and competition tables."""

import os

from piccolo.conf.apps import AppConfig

from challenge.calls.tables import Call
from challenge.challenges.tables import Challenge, ChallengeEvent, Unit, UnitMember
from challenge.jury.tables import (
    Assignment,
    Conflict,
    Juror,
    Review,
    Round,
    RoundEntry,
    UnitComment,
)
from challenge.messages.mailing.tables import DigestEntry
from challenge.messages.tables import (
    Announcement,
    AnnouncementRecipient,
    InformationRequest,
    Message,
    NotificationSetting,
    Thread,
    ThreadRead,
)
from challenge.organisations.tables import Invitation, Membership, Organisation
from challenge.participation.tables import (
    CommentReport,
    ParticipantProfile,
    PrizeCandidate,
    PrizeVote,
    PrizeVoting,
    ProblemComment,
    ProblemNotice,
    ProblemSupport,
    ResidentProblem,
)
from challenge.platform.accounts.tables import (
    ApiToken,
    EmailToken,
    OidcIdentity,
    OidcNonce,
    RoleGrant,
    Session,
    User,
)
from challenge.platform.accounts.two_factor_tables import RecoveryCode, TotpSecret
from challenge.platform.audit.tables import AuditEntry, AuditPerson
from challenge.platform.documents.tables import Document
from challenge.platform.idempotency import IdempotencyKey
from challenge.platform.jobs.tables import Job
from challenge.platform.mail.tables import MailTemplate, OutboxMail
from challenge.platform.security.tables import RateLimitCounter
from challenge.results.tables import Decision, RankingCache
from challenge.submissions.tables import (
    DeadlineExtension,
    ReferenceCounter,
    Submission,
    SubmissionVersion,
)

CURRENT_DIRECTORY = os.path.dirname(os.path.abspath(__file__))

APP_CONFIG = AppConfig(
    app_name="challenge",
    migrations_folder_path=os.path.join(CURRENT_DIRECTORY, "piccolo_migrations"),
    table_classes=[
        User,
        RoleGrant,
        Session,
        EmailToken,
        ApiToken,
        OidcIdentity,
        OidcNonce,
        TotpSecret,
        RecoveryCode,
        RateLimitCounter,
        OutboxMail,
        MailTemplate,
        AuditEntry,
        AuditPerson,
        Document,
        Call,
        Unit,
        UnitMember,
        Challenge,
        ChallengeEvent,
        Organisation,
        Membership,
        Invitation,
        Submission,
        SubmissionVersion,
        ReferenceCounter,
        DeadlineExtension,
        Round,
        Juror,
        Conflict,
        Assignment,
        Review,
        RoundEntry,
        UnitComment,
        Decision,
        RankingCache,
        Thread,
        Message,
        ThreadRead,
        InformationRequest,
        NotificationSetting,
        Announcement,
        AnnouncementRecipient,
        DigestEntry,
        ParticipantProfile,
        ResidentProblem,
        ProblemSupport,
        ProblemComment,
        CommentReport,
        ProblemNotice,
        PrizeVoting,
        PrizeCandidate,
        PrizeVote,
        Job,
        IdempotencyKey,
    ],
    migration_dependencies=[],
    commands=[],
)
