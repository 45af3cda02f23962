"""Threads, their messages and who read them; information requests; notification settings;
announcements and their recipients (issue 20)."""

from piccolo.columns import (
    UUID,
    Boolean,
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

# What a thread is about: a proposal (team <-> staff and the owning unit), a proposal's
# development workspace, a partnership (partner <-> staff and finance), or one person (staff ->
# that person: announcements to jurors and partners land here).
SUBJECT_TYPES = ("submission", "workspace", "partnership", "person")
# Who wrote a message, as the other side reads it.
SIDES = ("team", "staff", "unit", "partner", "person", "system")
MESSAGE_KINDS = ("message", "request", "answer", "announcement")
REQUEST_STATES = ("open", "answered", "withdrawn")
THREAD_MAIL = ("immediate", "daily")


class Thread(Table, tablename="threads"):
    """One conversation per subject (unique index threads_subject)."""

    id = UUID(primary_key=True)
    subject_type = Varchar(length=20)
    subject_id = UUID()
    call = ForeignKey(references=Call, on_delete=OnDelete.cascade, null=True, index=True)
    created_at = Timestamptz()
    last_message_at = Timestamptz(index=True)
    message_count = Integer(default=0)


class Message(Table, tablename="messages"):
    """A message as written (Markdown) and as shown (sanitised HTML, rendered once)."""

    id = UUID(primary_key=True)
    thread = ForeignKey(references=Thread, on_delete=OnDelete.cascade)
    author = ForeignKey(references=User, on_delete=OnDelete.set_null, null=True)
    side = Varchar(length=10)
    kind = Varchar(length=20, default="message")
    body = Text()
    body_html = Text(default="")
    request = UUID(null=True, default=None)  # the information request it asks or answers
    created_at = Timestamptz()


class ThreadRead(Table, tablename="thread_reads"):
    """Up to when a person has read a thread (unique index thread_reads_thread_user)."""

    id = UUID(primary_key=True)
    thread = ForeignKey(references=Thread, on_delete=OnDelete.cascade)
    user = ForeignKey(references=User, on_delete=OnDelete.cascade, index=True)
    read_at = Timestamptz()


class InformationRequest(Table, tablename="information_requests"):
    """Staff ask a team a question with a due date; the team answers, also after the deadline;
    staff may show the answer to the jury (``for_jury``)."""

    id = UUID(primary_key=True)
    submission = ForeignKey(references=Submission, on_delete=OnDelete.cascade, index=True)
    thread = ForeignKey(references=Thread, on_delete=OnDelete.cascade)
    question = Text()
    due_at = Timestamptz()
    status = Varchar(length=12, default="open")
    asked_by = ForeignKey(references=User, on_delete=OnDelete.set_null, null=True)
    asked_at = Timestamptz()
    answer = Text(default="")
    answer_html = Text(default="")
    answered_by = ForeignKey(references=User, on_delete=OnDelete.set_null, null=True)
    answered_at = Timestamptz(null=True, default=None)
    for_jury = Boolean(default=False)


class NotificationSetting(Table, tablename="notification_settings"):
    """A person's choices: thread messages by mail at once or as a daily digest; announcements
    or not (one-click unsubscribe). Mails with legal weight are not covered: they always go."""

    id = UUID(primary_key=True)
    user = ForeignKey(references=User, on_delete=OnDelete.cascade, unique=True)
    thread_mail = Varchar(length=10, default="immediate")
    announcements = Boolean(default=True)
    unsubscribe_token = Varchar(length=64, unique=True)
    last_digest_at = Timestamptz(null=True, default=None)
    updated_at = Timestamptz()


class Announcement(Table, tablename="announcements"):
    """A mail to a group of a call, written by staff in both languages."""

    id = UUID(primary_key=True)
    call = ForeignKey(references=Call, on_delete=OnDelete.cascade, index=True)
    audience = Varchar(length=60)
    subject_de = Varchar(length=300)
    subject_en = Varchar(length=300)
    body_de = Text()
    body_en = Text()
    created_by = ForeignKey(references=User, on_delete=OnDelete.set_null, null=True)
    created_at = Timestamptz()
    recipients = Integer(default=0)
    status = Varchar(length=12, default="queued")


class AnnouncementRecipient(Table, tablename="announcement_recipients"):
    """One row per person an announcement reaches (unique index
    announcement_recipients_once): the database keeps it to one mail each."""

    id = UUID(primary_key=True)
    announcement = ForeignKey(references=Announcement, on_delete=OnDelete.cascade)
    user = ForeignKey(references=User, on_delete=OnDelete.cascade, index=True)
    locale = Varchar(length=5, default="de")
    status = Varchar(length=12, default="queued")
    mail = UUID(null=True, default=None)
    created_at = Timestamptz()
