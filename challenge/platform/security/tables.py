"""Rate-limit counters, shared by every replica through the database."""

from piccolo.columns import Integer, Timestamptz, Varchar
from piccolo.table import Table


class RateLimitCounter(Table, tablename="rate_limits"):
    """One fixed window of one key (e.g. login attempts of one IP); expired rows are purged."""

    key = Varchar(length=250, primary_key=True)
    count = Integer(default=0)
    expires_at = Timestamptz(index=True)
