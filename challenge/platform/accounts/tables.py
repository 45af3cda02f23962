"""Account tables: users and their global role grants."""

from piccolo.columns import (
    UUID,
    Boolean,
    ForeignKey,
    OnDelete,
    Text,
    Timestamptz,
    Varchar,
)
from piccolo.table import Table

# Global roles. "applicant" is what every account is without a grant; jurors are per call
# and live with the jury.
GLOBAL_ROLES = ("staff", "finance", "admin")


class User(Table, tablename="users"):
    id = UUID(primary_key=True)
    email = Varchar(length=320, unique=True, index=True)
    name = Varchar(length=200)
    password_hash = Text(null=True, default=None)
    locale = Varchar(length=5, default="de")
    affiliation = Varchar(length=200, default="")
    email_verified_at = Timestamptz(null=True, default=None)
    is_active = Boolean(default=True)
    created_at = Timestamptz()
    updated_at = Timestamptz(auto_update=Timestamptz.value_type.now)


class RoleGrant(Table, tablename="role_grants"):
    id = UUID(primary_key=True)
    user = ForeignKey(references=User, on_delete=OnDelete.cascade, index=True)
    role = Varchar(length=20)
    granted_by = ForeignKey(references=User, on_delete=OnDelete.set_null, null=True)
    created_at = Timestamptz()
    # (user, role) is unique through the index role_grants_user_role (see the migration).
