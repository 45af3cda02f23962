"""Citizen participation (issue 21): residents' problems with supports and comments, the path
from a problem into a challenge, and the people's prize (Publikumspreis) per call."""

from piccolo.columns import (
    UUID,
    ForeignKey,
    Integer,
    OnDelete,
    Text,
    Timestamptz,
    Varchar,
)
from piccolo.table import Table

from challenge.calls.tables import Call
from challenge.challenges.tables import Challenge
from challenge.platform.accounts.tables import User
from challenge.platform.documents.tables import Document
from challenge.submissions.tables import Submission

# pending (waiting for moderation) -> published | declined (reason shown to the author) |
# merged (a published one into another, its supports move there) | withdrawn (a published one
# staff took down, reason shown to the author)
PROBLEM_STATES = ("pending", "published", "declined", "merged", "withdrawn")


class ParticipantProfile(Table, tablename="participant_profiles"):
    """The name a resident chooses to be shown by (never their e-mail); one per account
    (unique index participant_profiles_user)."""

    id = UUID(primary_key=True)
    user = ForeignKey(references=User, on_delete=OnDelete.cascade)
    display_name = Varchar(length=60)
    created_at = Timestamptz()


class ResidentProblem(Table, tablename="problems"):
    """A problem a resident proposes for the city to turn into a challenge."""

    id = UUID(primary_key=True)
    author = ForeignKey(references=User, on_delete=OnDelete.set_null, null=True, index=True)
    title = Varchar(length=150)
    description = Text()  # Markdown as written
    description_html = Text(default="")  # sanitised, rendered once
    district = Varchar(length=40, index=True)
    topic = Varchar(length=40, index=True)
    document = ForeignKey(references=Document, on_delete=OnDelete.set_null, null=True, default=None)
    status = Varchar(length=12, default="pending", index=True)
    reason = Text(default="")  # why it was declined or merged, shown to the author
    merged_into = UUID(null=True, default=None)
    moderated_by = ForeignKey(references=User, on_delete=OnDelete.set_null, null=True)
    moderated_at = Timestamptz(null=True, default=None)
    created_at = Timestamptz()
    published_at = Timestamptz(null=True, default=None, index=True)
    # kept in the same transaction as the supports (page 1 sorted by supports reads no count)
    support_count = Integer(default=0)
    comment_count = Integer(default=0)
    # the challenge it became or was linked to (the traceable path starts here)
    challenge = ForeignKey(
        references=Challenge, on_delete=OnDelete.set_null, null=True, default=None, index=True
    )
    linked_by = ForeignKey(references=User, on_delete=OnDelete.set_null, null=True)
    linked_at = Timestamptz(null=True, default=None)


class ProblemSupport(Table, tablename="problem_supports"):
    """One support per account and problem (unique index problem_supports_once)."""

    id = UUID(primary_key=True)
    problem = ForeignKey(references=ResidentProblem, on_delete=OnDelete.cascade)
    user = ForeignKey(references=User, on_delete=OnDelete.cascade, index=True)
    created_at = Timestamptz()


class ProblemComment(Table, tablename="problem_comments"):
    """A threaded comment (Markdown, sanitised); moderators hide it with a visible reason."""

    id = UUID(primary_key=True)
    problem = ForeignKey(references=ResidentProblem, on_delete=OnDelete.cascade, index=True)
    parent = UUID(null=True, default=None)
    author = ForeignKey(references=User, on_delete=OnDelete.set_null, null=True, index=True)
    body = Text()
    body_html = Text(default="")
    created_at = Timestamptz()
    report_count = Integer(default=0)
    hidden_at = Timestamptz(null=True, default=None)
    hidden_by = ForeignKey(references=User, on_delete=OnDelete.set_null, null=True)
    hidden_reason = Text(default="")


class CommentReport(Table, tablename="comment_reports"):
    """Someone reports a comment; one report per person and comment (unique index
    comment_reports_once), one per address and comment for visitors without an account (unique
    index comment_reports_anonymous on comment and reporter_ip_hash where reporter is null).
    Moderators keeping or unhiding a comment close its reports (closed_at): the comment's
    report_count counts the open ones (migration 2026-12-02T09:50:00)."""

    id = UUID(primary_key=True)
    comment = ForeignKey(references=ProblemComment, on_delete=OnDelete.cascade, index=True)
    reporter = ForeignKey(references=User, on_delete=OnDelete.cascade, null=True)
    reason = Text(default="")
    created_at = Timestamptz()
    closed_at = Timestamptz(null=True, default=None)
    # a keyed hash of the visitor's address and the comment ("" for a signed-in reporter)
    reporter_ip_hash = Varchar(length=64, default="")


class ProblemNotice(Table, tablename="problem_notices"):
    """A step of a problem's path its supporters were told about (unique index
    problem_notices_once on problem and step): each step is mailed once."""

    id = UUID(primary_key=True)
    problem = ForeignKey(references=ResidentProblem, on_delete=OnDelete.cascade)
    step = Varchar(length=80)
    sent_at = Timestamptz()


class PrizeVoting(Table, tablename="prize_votings"):
    """The people's prize of one call: its voting window (unique index prize_votings_call)."""

    id = UUID(primary_key=True)
    call = ForeignKey(references=Call, on_delete=OnDelete.cascade)
    opens_at = Timestamptz()
    closes_at = Timestamptz()
    created_by = ForeignKey(references=User, on_delete=OnDelete.set_null, null=True)
    created_at = Timestamptz()


class PrizeCandidate(Table, tablename="prize_candidates"):
    """A proposal on the ballot, with its public summary; shown once its team consented
    (unique index prize_candidates_once on voting and submission)."""

    id = UUID(primary_key=True)
    voting = ForeignKey(references=PrizeVoting, on_delete=OnDelete.cascade, index=True)
    submission = ForeignKey(references=Submission, on_delete=OnDelete.cascade)
    challenge = ForeignKey(references=Challenge, on_delete=OnDelete.cascade, null=True)
    public_title = Varchar(length=150, default="")
    summary = Text(default="")
    consented_at = Timestamptz(null=True, default=None)
    consented_by = ForeignKey(references=User, on_delete=OnDelete.set_null, null=True)
    # the team said no (staff see it; a later consent clears it)
    declined_at = Timestamptz(null=True, default=None)


class PrizeVote(Table, tablename="prize_votes"):
    """One vote per account and challenge of a voting (unique index prize_votes_once on voting,
    challenge_key and user); changeable until the window closes. Staff void votes with a reason;
    voided votes are counted apart on the result page."""

    id = UUID(primary_key=True)
    voting = ForeignKey(references=PrizeVoting, on_delete=OnDelete.cascade)
    # the challenge's id as text, or "" for a call without challenges (one vote per call)
    challenge_key = Varchar(length=36, default="")
    user = ForeignKey(references=User, on_delete=OnDelete.cascade, index=True)
    candidate = ForeignKey(references=PrizeCandidate, on_delete=OnDelete.cascade, index=True)
    ip = Varchar(length=64, default="")
    email_domain = Varchar(length=255, default="", index=True)
    created_at = Timestamptz()
    updated_at = Timestamptz()
    voided_at = Timestamptz(null=True, default=None)
    voided_by = ForeignKey(references=User, on_delete=OnDelete.set_null, null=True)
    void_reason = Text(default="")
