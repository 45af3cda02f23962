"""Sample values for each mail: the preview uses them until a real mail of that kind was sent (and
for any value the last real one lacked), the tests render every mail with them."""

from __future__ import annotations

from datetime import UTC, date, datetime

BASE = "https://portal.example"
WHEN = datetime(2026, 5, 4, 10, 30, tzinfo=UTC)
DEADLINE = datetime(2026, 6, 30, 21, 59, tzinfo=UTC)
NAME = "Erika Mustermann"
CALL = "Smart City Challenge 2026"
TITLE = "Sensoren für saubere Luft"
REFERENCE = "SCC-2026-0042"

SAMPLES: dict[str, dict] = {
    "verify_email": {"name": NAME, "link": f"{BASE}/account/verify?token=xxxxx"},
    "register_existing": {
        "name": NAME,
        "login_link": f"{BASE}/login",
        "reset_link": f"{BASE}/password/forgot",
    },
    "password_reset": {
        "name": NAME,
        "link": f"{BASE}/password/reset?token=xxxxx",
        "valid_minutes": 60,
    },
    "password_reset_unknown": {"register_link": f"{BASE}/register"},
    "password_changed": {"name": NAME, "reset_link": f"{BASE}/password/forgot"},
    "two_factor_reset": {"name": NAME, "login_link": f"{BASE}/login"},
    "two_factor_changed": {
        "name": NAME,
        "change": "enrolled",
        "account_link": f"{BASE}/account/2fa",
    },
    "team_invitation": {
        "team": "Team Luftgüte",
        "inviter": NAME,
        "link": f"{BASE}/teams/join?token=xxxxx",
        "valid_days": 14,
    },
    "unit_invitation": {
        "name": NAME,
        "unit": "Amt für Umweltschutz",
        "link": f"{BASE}/unit/challenges",
        "set_password_link": f"{BASE}/password/reset?token=xxxxx",
    },
    "challenge_reviewed": {
        "name": NAME,
        "title": "Weniger Feinstaub an Schulwegen",
        "status": "Approved for a call",
        "comment": "Bitte ergänzen Sie die Datenquellen.",
        "link": f"{BASE}/unit/challenges/1",
    },
    "submission_received": {
        "call": CALL,
        "title": TITLE,
        "reference": REFERENCE,
        "submitted_at": WHEN,
        "deadline": DEADLINE,
        "link": f"{BASE}/me/submissions",
    },
    "juror_invitation": {
        "name": NAME,
        "call": CALL,
        "challenges": ["Weniger Feinstaub an Schulwegen"],
        "set_password_link": f"{BASE}/password/reset?token=xxxxx",
        "link": f"{BASE}/jury/calls/scc-2026",
    },
    "juror_reminder": {
        "name": NAME,
        "call": CALL,
        "open": 3,
        "link": f"{BASE}/jury/calls/scc-2026",
    },
    "results_outcome": {
        "call": CALL,
        "title": TITLE,
        "reference": REFERENCE,
        "outcome": "winner",
        "award_cents": 500_000,
        "challenge": "",
        "comments": ["Überzeugendes Konzept."],
        "link": f"{BASE}/calls/scc-2026/results",
    },
    "offer_received": {
        "title": TITLE,
        "challenge": "Weniger Feinstaub an Schulwegen",
        "reference": REFERENCE,
        "submitted_at": WHEN,
        "link": f"{BASE}/development/1/offer",
    },
    "pitch_scheduled": {
        "name": NAME,
        "call": CALL,
        "juror": False,
        "starts_at": WHEN,
        "place": "Neues Rathaus, Raum 1",
        "video_url": "https://video.example/pitch",
        "slots": [{"label": REFERENCE, "starts_at": WHEN, "ends_at": WHEN}],
        "ics": f"{BASE}/api/v1/calls/scc-2026/pitch.ics",
        "link": f"{BASE}/calls/scc-2026",
    },
    "partnership_sent": {
        "title": TITLE,
        "reference": "EP-2026-007",
        "link": f"{BASE}/partner/partnerships/1",
    },
    "partnership_amended": {
        "title": TITLE,
        "reference": "EP-2026-007",
        "number": 1,
        "rationale": "Der zweite Meilenstein verschiebt sich um einen Monat.",
        "link": f"{BASE}/partner/partnerships/1",
    },
    "milestone_reminder": {
        "kind": "due_in_14",
        "milestone": "Prototyp im Testbetrieb",
        "title": TITLE,
        "due_date": date(2026, 9, 30),
        "link": f"{BASE}/partner/partnerships/1",
    },
    "announcement": {
        "heading": "Infoabend zur Smart City Challenge",
        "body": "Am **12. Mai** stellen wir die Challenges vor.\n\n- Neues Rathaus\n- 18 Uhr",
        "call": CALL,
        "link": f"{BASE}/calls/scc-2026",
        "unsubscribe_url": f"{BASE}/unsubscribe/xxxxx",
    },
    "thread_message": {
        "title": TITLE,
        "link": f"{BASE}/threads/1",
        "request": False,
        "due": "",
        "excerpt": "Bitte senden Sie uns die Kostenkalkulation.",
        "settings_link": f"{BASE}/account/notifications",
    },
    "thread_digest": {
        "threads": [{"title": TITLE, "link": f"{BASE}/threads/1", "messages": 2}],
        "more": 0,
        "settings_link": f"{BASE}/account/notifications",
    },
    "participation_step": {
        "title": "Freie Parkplätze finden",
        "step": "Milestones met",
        "detail": "Sensornetz Parkraum",
        "count": None,
        "met": 2,
        "total": 4,
        "earlier": ["Pilot contracted"],
        "link": f"{BASE}/mitmachen/1#path",
        "unsubscribe_url": f"{BASE}/unsubscribe/xxxxx",
    },
    "problem_published": {
        "title": "Schulwege im Winter schlecht beleuchtet",
        "link": f"{BASE}/mitmachen/1",
    },
    "problem_declined": {
        "title": "Mein Nachbar parkt vor meiner Einfahrt",
        "reason": "Falschparken ist ein Fall für das Ordnungsamt, nicht für eine Challenge.",
        "link": f"{BASE}/mitmachen/1",
    },
    "problem_withdrawn": {
        "title": "Zu wenige Fahrradbügel am Bahnhof",
        "reason": "Der Text nennt eine Privatperson mit Namen.",
        "link": f"{BASE}/mitmachen/1",
    },
    "problem_merged": {
        "title": "Fahrradständer am Hauptbahnhof",
        "reason": "Beide beschreiben dasselbe Problem.",
        "target_title": "Zu wenige Fahrradbügel am Bahnhof",
        "target_link": f"{BASE}/mitmachen/2",
        "link": f"{BASE}/mitmachen/1",
    },
}


def sample(key: str, placeholders: set[str] | frozenset[str] = frozenset()) -> dict:
    """Sample values for a mail: its own, and a word in brackets for any other placeholder."""
    values = {n: f"[{n}]" for n in placeholders if n not in ("authority", "base_url")}
    return {"base_url": BASE, **values, **SAMPLES.get(key, {})}
