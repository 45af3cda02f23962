"""The transactional mail outbox and the mail templates staff edited."""

from piccolo.columns import UUID, ForeignKey, Integer, OnDelete, Text, Timestamptz, Varchar
from piccolo.table import Table

from challenge.platform.accounts.tables import User

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
    # extra headers as JSON ({"In-Reply-To": …, "List-Unsubscribe": …}); Message-ID is built
    # from the mail's id
    headers = Text(default="{}")
    # what the mail is, for the person's notification settings: transactional (legal weight,
    # always sent), thread, digest or announcement
    category = Varchar(length=20, default="transactional")
    # the values the mail was rendered with, as JSON (dates as ISO text, one-time tokens blanked):
    # staff preview their templates on the latest real mail of a kind; erased with the person
    context = Text(default="{}")


class MailTemplate(Table, tablename="mail_templates"):
    """Staff's version of one mail in one language, for every call (``scope`` "") or one call
    (``scope`` the call's id); unique per (key, locale, scope). Without one the shipped default
    is sent."""

    id = UUID(primary_key=True)
    key = Varchar(length=80)
    locale = Varchar(length=5)
    scope = Varchar(length=40, default="")
    subject = Varchar(length=300)
    body = Text()
    updated_by = ForeignKey(references=User, on_delete=OnDelete.set_null, null=True)
    updated_at = Timestamptz()
