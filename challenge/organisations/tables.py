"""Organisations (DESIGN §4, Organisation / team), their members and open invitations."""

from piccolo.columns import UUID, ForeignKey, OnDelete, Timestamptz, Varchar
from piccolo.table import Table

from challenge.platform.accounts.tables import User

KINDS = ("startup", "student_team", "research_group", "company", "other")
MEMBER_ROLES = ("owner", "member")


class Organisation(Table, tablename="organisations"):
    id = UUID(primary_key=True)
    name = Varchar(length=200, index=True)
    kind = Varchar(length=20)
    register_id = Varchar(length=100, default="")
    website = Varchar(length=300, default="")
    city = Varchar(length=100, default="")
    created_at = Timestamptz()
    updated_at = Timestamptz(auto_update=Timestamptz.value_type.now)


class Membership(Table, tablename="memberships"):
    id = UUID(primary_key=True)
    organisation = ForeignKey(references=Organisation, on_delete=OnDelete.cascade, index=True)
    user = ForeignKey(references=User, on_delete=OnDelete.cascade, index=True)
    role = Varchar(length=10, default="member")
    created_at = Timestamptz()
    # (organisation, user) is unique through the index memberships_org_user (see the migration).


class Invitation(Table, tablename="invitations"):
    """An invitation by e-mail; whoever logs in with that address may accept it once."""

    id = UUID(primary_key=True)
    organisation = ForeignKey(references=Organisation, on_delete=OnDelete.cascade, index=True)
    email = Varchar(length=320, index=True)
    token_hash = Varchar(length=64, unique=True)
    invited_by = ForeignKey(references=User, on_delete=OnDelete.set_null, null=True)
    created_at = Timestamptz()
    expires_at = Timestamptz()
    accepted_at = Timestamptz(null=True, default=None)
