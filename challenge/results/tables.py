"""Decisions per entry (DESIGN §4, Decision / results)."""

from piccolo.columns import (
    UUID,
    BigInt,
    Bytea,
    ForeignKey,
    Integer,
    OnDelete,
    Text,
    Timestamptz,
    Varchar,
)
from piccolo.table import Table

from challenge.calls.tables import Call
from challenge.platform.accounts.tables import User
from challenge.submissions.tables import Submission

OUTCOMES = ("winner", "runner_up", "shortlisted", "development", "not_selected")


class Decision(Table, tablename="decisions"):
    """The jury's outcome for one submitted entry; one per entry (unique submission)."""

    id = UUID(primary_key=True)
    call = ForeignKey(references=Call, on_delete=OnDelete.cascade, index=True)
    submission = ForeignKey(references=Submission, on_delete=OnDelete.cascade, unique=True)
    outcome = Varchar(length=20)
    award_cents = BigInt(default=0)
    rationale = Text(default="")
    # the team's name when the results were published
    published_name = Varchar(length=200, default="")
    decided_by = ForeignKey(references=User, on_delete=OnDelete.set_null, null=True)
    created_at = Timestamptz()
    updated_at = Timestamptz(auto_update=Timestamptz.value_type.now)


class RankingCache(Table, tablename="ranking_cache"):
    """A computed ranking of a round (for the whole call, or one challenge's entries: its key)
    by one method, with the fingerprint of its inputs (``results.cache``); one row per (call,
    round, challenge key, method), unique, so replicas share it and a race upserts."""

    id = UUID(primary_key=True)
    call = ForeignKey(references=Call, on_delete=OnDelete.cascade)
    round_number = Integer(default=1)
    challenge_key = Varchar(length=40, default="")
    method = Varchar(length=20, default="mean")
    fingerprint = Varchar(length=64, default="")
    payload = Bytea(default=b"")
    computed_at = Timestamptz()
