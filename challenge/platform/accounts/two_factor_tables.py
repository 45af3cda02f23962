"""Two-factor login tables (issue 22): a person's TOTP secret and their recovery codes."""

from piccolo.columns import UUID, ForeignKey, Integer, OnDelete, Text, Timestamptz, Varchar
from piccolo.table import Table

from challenge.platform.accounts.tables import User


class TotpSecret(Table, tablename="totp_secrets"):
    """One TOTP secret per person (unique through the index totp_secrets_one_per_user), encrypted with
    a key derived from the portal's secret key. ``confirmed_at`` is empty while the enrolment
    waits for its first code; ``last_used_step`` is the 30-second step of the last accepted code,
    so a code is accepted once (a conditional UPDATE)."""

    id = UUID(primary_key=True)
    user = ForeignKey(references=User, on_delete=OnDelete.cascade, index=True)
    secret = Text()
    created_at = Timestamptz()
    confirmed_at = Timestamptz(null=True, default=None)
    last_used_step = Integer(default=0)


class RecoveryCode(Table, tablename="recovery_codes"):
    """Single-use recovery codes: only the SHA-256 of each (random: 118 bits, codes handed out
    before the review 50) is stored."""

    id = UUID(primary_key=True)
    user = ForeignKey(references=User, on_delete=OnDelete.cascade, index=True)
    code_hash = Varchar(length=64)
    created_at = Timestamptz()
    used_at = Timestamptz(null=True, default=None)
