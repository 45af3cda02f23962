"""The transactional mail outbox."""

from piccolo.columns import UUID, Integer, Text, Timestamptz, Varchar
from piccolo.table import Table

OUTBOX_STATES = ("pending", "sending", "sent", "failed")


class OutboxMail(Table, tablename="outbox"):
    """A mail written in the same transaction as the change that causes it."""

    id = UUID(primary_key=True)
    to_address = Varchar(length=320)
    subject = Varchar(length=300)
    body_text = Text()
    body_html = Text(default="")
    locale = Varchar(length=5, default="de")
    template = Varchar(length=80, default="")
    status = Varchar(length=10, default="pending", index=True)
    attempts = Integer(default=0)
    next_attempt_at = Timestamptz(index=True)
    claimed_until = Timestamptz(null=True, default=None)
    claimed_by = Varchar(length=80, default="")
    last_error = Text(default="")
    created_at = Timestamptz()
    sent_at = Timestamptz(null=True, default=None)
