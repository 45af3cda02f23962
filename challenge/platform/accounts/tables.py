"""Account tables: users, global role grants, sessions, e-mail tokens and API tokens."""

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


class Session(Table, tablename="sessions"):
    """Server-side sessions; the cookie holds a random token, the row only its SHA-256."""

    id = Varchar(length=64, primary_key=True)
    user = ForeignKey(references=User, on_delete=OnDelete.cascade, index=True)
    created_at = Timestamptz()
    last_seen_at = Timestamptz()
    expires_at = Timestamptz(index=True)
    ip = Varchar(length=45, default="")
    user_agent = Varchar(length=300, default="")
    # when the person last proved who they are in this session (password, single sign-on or the
    # second factor): money and irreversible actions ask again after 15 minutes (step-up)
    authenticated_at = Timestamptz(null=True, default=None)
    # the session passed the second factor (TOTP or a recovery code)
    second_factor = Boolean(default=False)


class EmailToken(Table, tablename="email_tokens"):
    """Single-use tokens sent by mail: e-mail verification and password reset.

    A verification token carries the registration's password hash, name and language in
    ``payload``: they reach the account only when the mailed link is followed, so nobody
    can pre-register someone else's address with a password of their own.
    """

    id = UUID(primary_key=True)
    user = ForeignKey(references=User, on_delete=OnDelete.cascade, index=True)
    purpose = Varchar(length=20)
    token_hash = Varchar(length=64, unique=True)
    payload = Text(default="{}")
    created_at = Timestamptz()
    expires_at = Timestamptz()
    used_at = Timestamptz(null=True, default=None)


class ApiToken(Table, tablename="api_tokens"):
    """Bearer tokens for staff integrations; shown once, stored as SHA-256."""

    id = UUID(primary_key=True)
    user = ForeignKey(references=User, on_delete=OnDelete.cascade, index=True)
    name = Varchar(length=100)
    token_hash = Varchar(length=64, unique=True)
    prefix = Varchar(length=16)
    created_at = Timestamptz()
    expires_at = Timestamptz()
    revoked_at = Timestamptz(null=True, default=None)
    last_used_at = Timestamptz(null=True, default=None)


class OidcIdentity(Table, tablename="oidc_identities"):
    """The account a person of the city's OpenID provider signs in to: matched by (issuer,
    subject), never by e-mail (unique through the index oidc_identities_issuer_subject)."""

    id = UUID(primary_key=True)
    user = ForeignKey(references=User, on_delete=OnDelete.cascade, index=True)
    issuer = Varchar(length=500)
    subject = Varchar(length=255)
    created_at = Timestamptz()
    last_login_at = Timestamptz()


class OidcNonce(Table, tablename="oidc_nonces"):
    """Nonces of ID tokens already used to sign in (SHA-256): a replayed token is refused."""

    id = Varchar(length=64, primary_key=True)
    used_at = Timestamptz(index=True)
