"""The append-only, hash-chained audit log."""

from piccolo.columns import UUID, BigSerial, Text, Timestamptz, Varchar
from piccolo.table import Table


class AuditEntry(Table, tablename="audit_log"):
    """Each entry stores the previous entry's hash and its own SHA-256 over its content."""

    id = BigSerial(primary_key=True)
    created_at = Timestamptz()
    actor_id = UUID(null=True, default=None, index=True)
    actor_label = Varchar(length=320, default="")
    action = Varchar(length=80, index=True)
    object_type = Varchar(length=50, default="", index=True)
    object_id = Varchar(length=80, default="")
    payload = Text(default="{}")
    prev_hash = Varchar(length=64)
    hash = Varchar(length=64, unique=True)
