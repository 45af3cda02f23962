"""Which tests the default run leaves out: the markers tests/conftest.py puts on them at collection.

- `browser`: every test that drives chromium (it uses the `browser` fixture of tests/e2e).
- `slow`: whole-system tests of several seconds each — a `challenge serve` or `challenge demo`
  started as a subprocess, many processes at once, or a fuzzing pass over the whole API.

The default run deselects both (pyproject.toml's addopts); `.ci/run` runs them on both engines.
Entries name a test file (all its tests) or `file::test` by file name, not by folder, so a test
keeps its marker when its file moves to another folder. An entry that matches nothing in a run
of the whole suite is reported as a warning (a renamed file or test).
"""

from __future__ import annotations

SLOW = (
    # a `challenge serve --demo` and schemathesis over every operation, as three roles
    "test_api_fuzz.py",
    # each test loads the demo with `challenge demo` in a subprocess, then backs up and restores
    "test_backup.py",
    # portals and workers as subprocesses around a restore
    "test_faults_restore.py",
    # two servers and two workers on one database (PostgreSQL only)
    "test_scale_out.py",
    "test_cli.py::test_demo_loads_once",
    "test_cli.py::test_privacy_export_and_erase_from_the_command_line",
    "test_submissions.py::test_fifty_concurrent_submits_get_unique_references",
    # a `challenge serve` on its own port, its mailed link read back
    "test_cli.py::test_serve_port_sets_the_base_url_of_mail_links",
    # `challenge serve --workers 2`: two server processes and a worker process
    "test_serve_workers.py",
    # 2,000 people, the announcement job and two mail workers against a local SMTP server
    "test_announcements.py::test_two_thousand_announcements_reach_each_person_once",
    # every page of the route matrix's world for every role, its links followed, its forms sent
    "test_offered_actions.py::test_no_page_offers_what_the_portal_refuses",
)

# Tests about the password hashing itself keep argon2's production parameters (tests/conftest.py
# hashes cheaply everywhere else).
PRODUCTION_HASHING = frozenset(
    {
        "test_hashing_does_not_stall_other_requests",
        "test_outdated_password_hash_is_upgraded_at_login",
    }
)


def _matches(entry: str, file_name: str, test_name: str) -> bool:
    file_part, _, test_part = entry.partition("::")
    return file_part == file_name and test_part in ("", test_name)


def markers_for(file_name: str, test_name: str, fixtures: list[str]) -> list[str]:
    """The selection markers one collected test gets."""
    found = []
    if "browser" in fixtures:
        found.append("browser")
    if any(_matches(entry, file_name, test_name) for entry in SLOW):
        found.append("slow")
    return found


def unmatched(collected: set[tuple[str, str]]) -> list[str]:
    """SLOW entries that name no collected (file name, test name)."""
    return [
        entry
        for entry in SLOW
        if not any(_matches(entry, file_name, test_name) for file_name, test_name in collected)
    ]
