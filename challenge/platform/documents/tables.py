"""Document records."""

from piccolo.columns import UUID, BigInt, Boolean, ForeignKey, OnDelete, Timestamptz, Varchar
from piccolo.table import Table

from challenge.platform.accounts.tables import User


class Document(Table, tablename="documents"):
    """A stored file: server-made key, sniffed type, size, SHA-256, owner.

    ``status`` is ``pending`` while a browser uploads straight to S3 and ``stored`` once
    the portal has checked the object. Generated PDFs carry a ``verification_code``.
    """

    id = UUID(primary_key=True)
    storage_key = Varchar(length=200, unique=True)
    kind = Varchar(length=30, index=True)
    status = Varchar(length=10, default="stored", index=True)
    owner_type = Varchar(length=30, index=True)
    owner_id = Varchar(length=64, index=True)
    filename = Varchar(length=255)
    content_type = Varchar(length=100)
    size = BigInt(default=0)
    sha256 = Varchar(length=64, index=True, default="")
    title = Varchar(length=300, default="")
    public = Boolean(default=False)
    verification_code = Varchar(length=24, null=True, default=None, unique=True)
    uploaded_by = ForeignKey(references=User, on_delete=OnDelete.set_null, null=True)
    created_at = Timestamptz()
