"""The append-only, hash-chained audit log and the people its entries name."""

from piccolo.columns import UUID, BigSerial, Text, Timestamptz, Varchar
from piccolo.table import Table


class AuditEntry(Table, tablename="audit_log"):
    """Each entry stores the previous entry's hash and its own SHA-256 over its content.

    A person is named by `actor_person` and by "person:<id>" references in the payload, both
    covered by the hash; their address lives in `audit_persons`. `actor_label` is a display copy
    of that address, outside the hash when `actor_person` is set, so erasure can blank it."""

    id = BigSerial(primary_key=True)
    created_at = Timestamptz()
    actor_id = UUID(null=True, default=None, index=True)
    actor_person = UUID(null=True, default=None, index=True)
    actor_label = Varchar(length=320, default="")
    action = Varchar(length=80, index=True)
    object_type = Varchar(length=50, default="", index=True)
    object_id = Varchar(length=80, default="")
    payload = Text(default="{}")
    prev_hash = Varchar(length=64)
    hash = Varchar(length=64, unique=True)


class AuditPerson(Table, tablename="audit_persons"):
    """One per e-mail address the audit log has named; erasure blanks the address."""

    id = UUID(primary_key=True)
    user_id = UUID(null=True, default=None, index=True)
    email = Varchar(length=320, null=True, default=None, unique=True)
    erased_at = Timestamptz(null=True, default=None)
