"""Every benchmark on SQLite and on PostgreSQL, summed up in one table (figure, target,
measured per engine). Run: python -m tests.benchmarks  (needs the local PostgreSQL; about 15
minutes on the 2-core reference machine). Engine-independent ones run once."""

from __future__ import annotations

import os
import re
import subprocess
import sys

PG = (
    os.environ.get("CHALLENGE_TEST_DATABASE_URL") or "postgresql://postgres@127.0.0.1:5432/postgres"
)
# module, engines it is measured on
BENCHMARKS = [
    ("startup", ("sqlite", "postgresql")),
    ("login", ("sqlite",)),
    ("documents", ("sqlite", "postgresql")),
    ("submissions", ("sqlite", "postgresql")),
    ("challenge_call_page", ("sqlite", "postgresql")),
    ("jury", ("sqlite", "postgresql")),
    ("assignment", ("sqlite",)),
    ("ranking", ("sqlite",)),
    ("ranking_api", ("postgresql",)),
    ("challenge_ranking", ("sqlite", "postgresql")),
    ("certificates", ("sqlite", "postgresql")),
    ("partnerships", ("sqlite", "postgresql")),
    ("offer_save", ("postgresql",)),
    ("ocds_development", ("postgresql",)),
    ("pitch_scoring", ("sqlite", "postgresql")),
    ("scale_out", ("postgresql",)),
    # issue 25: the request path against the framework's ceiling (both engines in one run), the
    # lists and rankings at a city's size, and every page at the full dataset
    ("request_path", ("postgresql",)),
    ("jury_page", ("sqlite", "postgresql")),
    ("ranking_page", ("sqlite", "postgresql")),
    ("partnership_lists", ("sqlite", "postgresql")),
    ("scale", ("postgresql",)),
    # issue 20: posting a message, the staff's start page with 500 open threads
    ("messages", ("sqlite", "postgresql")),
    # issue 21: /mitmachen with 5,000 problems and 100,000 supports, one support
    ("participation_list", ("sqlite", "postgresql")),
    ("participation_support", ("sqlite", "postgresql")),
    # issue 22: password + TOTP sign-in (both engines in one run)
    ("login_2fa", ("sqlite",)),
]
FIGURE = re.compile(
    r"^\s*(?P<figure>.*?)[\s:=,]*(?P<measured>[0-9][0-9.]*\s?(?:ms|s|MB|KB|req/s|flows/s|mails/s)?)"
    r"\s*[\s(]+target\s*(?P<target>[^;)\n]+)"
)
ENGINE_WORDS = re.compile(r"\s*[(,]?\s*\b(sqlite|postgresql)\b\s*[),]?", re.IGNORECASE)


def run(module: str, engine: str) -> list[str]:
    env = {k: v for k, v in os.environ.items() if k != "CHALLENGE_TEST_DATABASE_URL"}
    if engine == "postgresql":
        env["CHALLENGE_TEST_DATABASE_URL"] = PG
    done = subprocess.run(
        [sys.executable, "-m", f"tests.benchmarks.{module}"],
        env=env,
        capture_output=True,
        text=True,
        timeout=1800,
    )
    if done.returncode:
        return [
            f"{module} failed: {done.stderr.strip().splitlines()[-1] if done.stderr.strip() else done.returncode}"
        ]
    return done.stdout.splitlines()


def main() -> None:
    rows: dict[tuple[str, str], dict] = {}
    for module, engines in BENCHMARKS:
        for engine in engines:
            print(f"running {module} on {engine} …", file=sys.stderr, flush=True)
            for line in run(module, engine):
                match = FIGURE.match(line)
                if not match:
                    continue
                figure = ENGINE_WORDS.sub(" ", match["figure"]).strip(" :,")
                row = rows.setdefault((module, figure), {"target": match["target"].strip()})
                row[engine] = match["measured"].strip()
    print("| benchmark | figure | target | SQLite | PostgreSQL |")
    print("|---|---|---|---|---|")
    for (module, figure), row in rows.items():
        print(
            f"| {module} | {figure} | {row['target']} | {row.get('sqlite', '')} | {row.get('postgresql', '')} |"
        )


if __name__ == "__main__":
    main()
