"""What keeps the people's prize honest, apart from one vote per account and challenge (the unique
index prize_votes_once): no throwaway addresses, and limits per IP address and per mail domain.

The throwaway domains are the bundled list challenge/participation/data/disposable-domains.txt.gz
(source and licence in that folder's README and REUSE.toml); a subdomain of a listed domain is
refused too. The limits count every vote cast or changed, in the database (every replica shares
them): a household or an office behind one address may vote many times, a script may not."""

from __future__ import annotations

import gzip
from functools import cache
from pathlib import Path

from challenge.platform.i18n import N_
from challenge.platform.problems import Problem
from challenge.platform.security import ratelimit

DISPOSABLE_LIST = Path(__file__).parent.parent / "data" / "disposable-domains.txt.gz"
# votes cast or changed from one IP address, and by accounts of one mail domain, per hour
PER_IP = ratelimit.Limit("prize-vote-ip", 60, 60 * 60)
PER_DOMAIN = ratelimit.Limit("prize-vote-domain", 600, 60 * 60)


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


async def count_vote(ip: str, domain: str) -> None:
    """Count one vote against both limits; 429 ``rate_limited`` past either."""
    for limit, subject in ((PER_IP, ip), (PER_DOMAIN, domain)):
        if not subject:
            continue
        verdict = await ratelimit.hit(limit, subject)
        if not verdict.allowed:
            raise ratelimit.too_many(verdict)
