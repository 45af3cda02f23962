"""Background jobs the workers run (e.g. all certificates of a call), with progress."""

from piccolo.columns import JSONB, UUID, ForeignKey, Integer, OnDelete, Text, Timestamptz, Varchar
from piccolo.table import Table

from challenge.platform.accounts.tables import User

JOB_STATES = ("pending", "running", "done", "failed")


class Job(Table, tablename="jobs"):
    id = UUID(primary_key=True)
    kind = Varchar(length=40, index=True)
    subject = Varchar(length=100, index=True)  # what it works on, e.g. "call:<uuid>"
    payload = JSONB(default={})
    status = Varchar(length=10, default="pending", index=True)
    total = Integer(default=0)
    done = Integer(default=0)
    error = Text(default="")
    attempts = Integer(default=0)
    claimed_by = Varchar(length=80, null=True, default=None)
    claimed_until = Timestamptz(null=True, default=None)
    created_by = ForeignKey(references=User, on_delete=OnDelete.set_null, null=True)
    created_at = Timestamptz()
    started_at = Timestamptz(null=True, default=None)
    finished_at = Timestamptz(null=True, default=None)
