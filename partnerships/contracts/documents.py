"""The contract and amendment PDFs: German templates, PDF/A-3u with the partnership's OCDS
release embedded as a JSON attachment and the verification code printed."""

from __future__ import annotations

import json

from challenge.organisations.tables import Organisation
from challenge.platform.documents.policies import register_reader
from challenge.platform.pdf.issue import issue_pdf
from challenge.submissions.tables import Submission
from partnerships import ocds
from partnerships.tables import Amendment, Milestone, Partnership, Payment

PACKAGE_URI = "/api/v1/opendata/ocds/release-package.json"


async def _reader(user, document: dict) -> bool:
    from partnerships.services import may_view

    row = await Partnership.select().where(Partnership.id == document["owner_id"]).first()
    return row is not None and user is not None and await may_view(user, row)


async def _evidence_reader(user, document: dict) -> bool:
    from partnerships.services import may_view

    milestone = await Milestone.select(Milestone.partnership).where(Milestone.id == document["owner_id"]).first()
    row = await Partnership.select().where(Partnership.id == milestone["partnership"]).first() if milestone else None
    return row is not None and user is not None and await may_view(user, row)


register_reader("partnership", _reader)
register_reader("milestone", _evidence_reader)


async def release_of(partnership: dict, settings, tag: list[str]) -> dict:
    from partnerships.opendata import published_organisation

    organisation = await published_organisation(partnership)  # the name as published, like the open data
    consent = (await Submission.select(Submission.consent_publication).where(
        Submission.id == partnership["submission"]).first())["consent_publication"]
    milestones = await Milestone.select().where(Milestone.partnership == partnership["id"]).order_by(Milestone.position)
    payments = await Payment.select().where(Payment.partnership == partnership["id"]).order_by(Payment.paid_on)
    amendments = await Amendment.select().where(Amendment.partnership == partnership["id"]).order_by(Amendment.number)
    return ocds.release(settings.ocds_prefix, partnership, organisation=organisation, consent=consent,
                        milestones=milestones, payments=payments, amendments=amendments, tag=tag)


def _package_bytes(release: dict, settings) -> bytes:
    package = ocds.package(settings.ocds_prefix, [release], uri=f"{settings.base_url}{PACKAGE_URI}",
                           publisher="Stadt Leipzig", license_url="https://www.govdata.de/dl-de/by-2-0")
    return json.dumps(package, ensure_ascii=False, indent=2).encode()


async def _context(partnership: dict) -> dict:
    organisation = await Organisation.select().where(Organisation.id == partnership["organisation"]).first()
    milestones = await Milestone.select().where(Milestone.partnership == partnership["id"]).order_by(Milestone.position)
    return {"partnership": partnership, "organisation": organisation, "milestones": milestones}


async def issue_contract(storage, partnership: dict, *, settings, actor=None) -> dict:
    release = await release_of(partnership, settings, ["contract"])
    identifier = ocds.ocid(settings.ocds_prefix, partnership)
    return await issue_pdf(
        storage, template="contract.html",
        context={**await _context(partnership), "ocid": identifier, "verify_url": f"{settings.base_url}/verify"},
        locale="de", title=f"Entwicklungspartnerschaft {identifier}", filename=f"Vertrag-{identifier}.pdf",
        kind="contract", owner_type="partnership", owner_id=str(partnership["id"]), actor=actor,
        attachments=[(f"{identifier}-release-package.json", _package_bytes(release, settings),
                      "OCDS 1.1.5 release package of this contract")],
    )


async def issue_amendment(storage, partnership: dict, amendment: dict, *, settings, actor=None) -> dict:
    release = await release_of(partnership, settings, ["contractAmendment"])
    identifier = ocds.ocid(settings.ocds_prefix, partnership)
    return await issue_pdf(
        storage, template="amendment.html",
        context={**await _context(partnership), "ocid": identifier, "amendment": amendment,
                 "verify_url": f"{settings.base_url}/verify"},
        locale="de", title=f"Änderungsvereinbarung {amendment['number']} zu {identifier}",
        filename=f"Aenderung-{amendment['number']}-{identifier}.pdf", kind="amendment", owner_type="partnership",
        owner_id=str(partnership["id"]), actor=actor,
        attachments=[(f"{identifier}-release-package.json", _package_bytes(release, settings),
                      "OCDS 1.1.5 release package after this amendment")],
    )
