"""The daily digest's queue: which thread a person chose to hear about once a day has new messages
(one row per person and thread, unique index digest_entries_user_thread)."""

from piccolo.columns import UUID, ForeignKey, Integer, OnDelete, Timestamptz, Varchar
from piccolo.table import Table

from challenge.messages.tables import Thread
from challenge.platform.accounts.tables import User


class DigestEntry(Table, tablename="digest_entries"):
    """Messages a person was to be told about in the next digest: the thread's title and link as
    the posting code named them, how many, and when the first and the latest were written."""

    id = UUID(primary_key=True)
    user = ForeignKey(references=User, on_delete=OnDelete.cascade)
    thread = ForeignKey(references=Thread, on_delete=OnDelete.cascade)
    title = Varchar(length=300)
    link = Varchar(length=500)
    messages = Integer(default=0)
    first_at = Timestamptz()
    last_at = Timestamptz()
