"""Demo jury for the open call: four jurors (two for the whole call, two for chosen
challenges) with declarations, assignments and scores."""

from __future__ import annotations

import random

from challenge.calls.tables import Call
from challenge.challenges.placement import has_challenges
from challenge.jury import assignment_service, conflict_declaration, reviews, services
from challenge.jury.tables import Juror
from challenge.platform import clock
from challenge.platform.accounts.identity import CurrentUser
from challenge.platform.accounts.passwords import hash_password
from challenge.platform.accounts.tables import User

# Jurors write from their own organisations' domains (reserved .example names), so the
# conflict suggestions do not flag every demo team.
JURORS = [
    (
        "m.vogt@htwk.example",
        "Prof. Dr. Maren Vogt",
        "HTWK Leipzig",
        ["Hitze und Gesundheit", "Stadtgrün"],
    ),
    (
        "d.sommer@wasserwerke.example",
        "Dirk Sommer",
        "Leipziger Wasserwerke",
        ["Wasser und Starkregen"],
    ),
    (
        "a.demir@smart-hub.example",
        "Aylin Demir",
        "Smart Infrastructure Hub",
        ["Hitze und Gesundheit"],
    ),
    (
        "h.lange@dresden.example",
        "Henrik Lange",
        "Stadtverwaltung Dresden",
        ["Stadtgrün", "Wasser und Starkregen"],
    ),
]


# The challenges each juror judges (none: the whole call). Dirk Sommer of the Wasserwerke, the
# unit that posed "starkregen", sits on that challenge's jury; every challenge has three jurors.
JUROR_CHALLENGES = {
    "d.sommer@wasserwerke.example": ["starkregen"],
    "a.demir@smart-hub.example": ["hitzewarnung", "stadtbaeume"],
}


async def _enlist(
    staff_actor,
    call: dict,
    juror: tuple,
    password_hash: str,
    base_url: str,
    call_has_challenges: bool,
):
    """One juror invited, accepted and through the conflict declaration."""
    email, name, affiliation, expertise = juror
    if not await User.exists().where(User.email == email):
        await User(
            email=email,
            name=name,
            affiliation=affiliation,
            password_hash=password_hash,
            email_verified_at=clock.now(),
        ).save()
    await services.invite_juror(
        staff_actor,
        call,
        email=email,
        name=name,
        base_url=base_url,
        challenges=JUROR_CHALLENGES.get(email) if call_has_challenges else None,
    )
    user = await User.select().where(User.email == email).first()
    await Juror.update({Juror.expertise: expertise}).where(
        (Juror.call == call["id"]) & (Juror.user == user["id"])
    )
    actor = CurrentUser(id=user["id"], email=email, name=name, locale="de", affiliation=affiliation)
    await services.accept(call, actor)
    await conflict_declaration.declaration(call, actor)  # pre-marks suggested conflicts
    await conflict_declaration.complete_declaration(call, actor)
    return actor


async def _score(actor, leniency: float, call: dict, rng) -> None:
    """The juror's reviews: scores around a random quality, some still drafts."""
    criteria = call["criteria"]
    for n, assignment in enumerate(await assignment_service.assignments_of(actor, call["id"])):
        quality = rng.uniform(3, 9)
        scores = {
            c["key"]: max(
                c["scale_min"], min(c["scale_max"], round(quality + leniency + rng.gauss(0, 1)))
            )
            for c in criteria
        }
        await reviews.save_review(
            actor,
            assignment["submission"],
            number=1,
            scores=scores,
            comment="Überzeugendes Konzept, Pilot in Leipzig gut vorstellbar."
            if quality > 6
            else "Idee interessant, Umsetzung noch unklar.",
            shareable=n % 2 == 0,
            final=n % 3 != 2,
        )


async def load_demo_jury(password: str, base_url: str) -> int:
    """Jurors, conflicts, assignments and a realistic spread of scores (idempotent)."""
    call = (
        await Call.select()
        .output(load_json=True)
        .where(Call.slug == "klimaanpassung-im-quartier")
        .first()
    )
    if call is None or await Juror.exists().where(Juror.call == call["id"]):
        return 0
    staff = await User.select().where(User.email == "staff@demo.leipzig.de").first()
    staff_actor = CurrentUser(
        id=staff["id"],
        email=staff["email"],
        name=staff["name"],
        locale="de",
        affiliation="",
        roles=frozenset({"staff"}),
    )
    password_hash = hash_password(password)
    rng = random.Random(2026)
    actors = []
    with_challenges = await has_challenges(call["id"])
    for juror in JURORS:
        actor = await _enlist(staff_actor, call, juror, password_hash, base_url, with_challenges)
        actors.append((actor, rng.uniform(-1.5, 1.5)))  # each juror a little more or less lenient
    await assignment_service.auto_assign(staff_actor, call, number=1, reviews_per_submission=2)
    for actor, leniency in actors:
        await _score(actor, leniency, call, rng)
    return len(actors)
