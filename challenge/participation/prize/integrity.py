"""What keeps the people's prize honest, apart from one vote per account and challenge (the unique
index prize_votes_once): no throwaway addresses, and limits per IP address and per mail domain.

The throwaway domains are the bundled list challenge/participation/data/disposable-domains.txt.gz
(source and licence in that folder's README and REUSE.toml); a subdomain of a listed domain is
refused too. The limits are counted in the database (every replica shares them):

- per account, every vote cast or changed (PER_PERSON): nobody needs more than a few votes and
  second thoughts an hour; a script changing its vote back and forth is stopped early;
- per IP address, every vote cast or changed (PER_IP; IPv6 by its /64, see
  client_ip.network_key): a household or an office behind one address may vote many times, a
  script may not;
- per mail domain, only the *first* vote of an account in a challenge (PER_DOMAIN): changes
  do not count, so one person (or a few) cannot use up a large provider's allowance and lock
  out its other customers. The figure: a peak hour of a city-wide voting brings at most a few
  thousand first votes in all, of which the largest German providers (web.de, GMX, T-Online,
  Gmail) have each well under a third; 3,000 first votes an hour is far above that share, yet
  stops a script with a private catch-all domain at 3,000 an hour — which the staff's figures
  (votes per domain) show at once, to be voided by domain."""

from __future__ import annotations

import gzip
from functools import cache
from pathlib import Path
from uuid import UUID

from challenge.platform.i18n import N_
from challenge.platform.problems import Problem
from challenge.platform.security import ratelimit

DISPOSABLE_LIST = Path(__file__).parent.parent / "data" / "disposable-domains.txt.gz"
# votes cast or changed by one account and from one IP address (network) per hour
PER_PERSON = ratelimit.Limit("prize-vote-user", 30, 60 * 60)
PER_IP = ratelimit.Limit("prize-vote-ip", 60, 60 * 60)
# first votes (per account and challenge) of accounts at one mail domain per hour
PER_DOMAIN = ratelimit.Limit("prize-vote-domain", 3000, 60 * 60)


@cache
def disposable_domains() -> frozenset[str]:
    """The bundled throwaway mail domains (read once per process)."""
    with gzip.open(DISPOSABLE_LIST, "rt", encoding="utf-8") as lines:
        return frozenset(line.strip().lower() for line in lines if line.strip())


def email_domain(address: str) -> str:
    """The domain of an e-mail address, lower case ("" when there is none)."""
    return address.rpartition("@")[2].strip().lower().rstrip(".")


def is_disposable(domain: str) -> bool:
    """Whether the domain, or a domain it belongs to, is a throwaway service's."""
    listed = disposable_domains()
    parts = domain.lower().split(".")
    return any(".".join(parts[start:]) in listed for start in range(len(parts) - 1))


def refuse_disposable(domain: str) -> None:
    """422 ``disposable_email`` for an account at a throwaway address."""
    if is_disposable(domain):
        raise Problem(
            422,
            "disposable_email",
            N_(
                "Votes from throwaway e-mail addresses are not counted. Please sign in with an "
                "account at a lasting address."
            ),
        )


async def count_vote(user_id: UUID, ip: str, domain: str, *, first: bool) -> None:
    """Count one vote cast or changed against the person's and the address's limits, and — when
    it is the person's first in the challenge — against the domain's; 429 ``rate_limited``
    past any of them."""
    checks = [(PER_PERSON, str(user_id)), (PER_IP, ip)]
    if first:
        checks.append((PER_DOMAIN, domain))
    for limit, subject in checks:
        if not subject:
            continue
        verdict = await ratelimit.hit(limit, subject)
        if not verdict.allowed:
            raise ratelimit.too_many(verdict)
