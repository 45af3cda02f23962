"""The contract and amendment PDFs: German templates, PDF/A-3u with the OCDS release the
document stands for embedded as a JSON release package (built by the open data's one release
builder, so its release id is the published one) and the verification code printed. Also who may read
contract and evidence files (the domain record installs these readers)."""

from __future__ import annotations

import json

from challenge.organisations.tables import Organisation
from challenge.platform.pdf.issue import issue_pdf
from partnerships.contracts.policies import may_view
from partnerships.opendata.facts import load_facts
from partnerships.opendata.ocds import release_package, releases_of
from partnerships.tables import Milestone, Partnership


async def partnership_reader(user, document: dict) -> bool:
    """Contract files: whoever may see the partnership."""
    row = await Partnership.select().where(Partnership.id == document["owner_id"]).first()
    return row is not None and user is not None and await may_view(user, row)


async def evidence_reader(user, document: dict) -> bool:
    """Evidence files: whoever may see the milestone's partnership."""
    milestone = (
        await Milestone.select(Milestone.partnership)
        .where(Milestone.id == document["owner_id"])
        .first()
    )
    row = (
        await Partnership.select().where(Partnership.id == milestone["partnership"]).first()
        if milestone
        else None
    )
    return row is not None and user is not None and await may_view(user, row)


READERS = {"partnership": partnership_reader, "milestone": evidence_reader}


async def releases_for_document(partnership: dict, settings) -> list[dict]:
    """The partnership's releases as the open data has them now (a contract being issued before
    signing included), oldest first."""
    facts = await load_facts(only=partnership["id"], include_unsigned=True)
    if not facts.partnerships:
        return []
    return releases_of(settings.ocds_prefix, facts.partnerships[0], facts)


def document_release(releases: list[dict], tag: str) -> dict:
    """The release a PDF stands for: the latest with its tag (contract or contractAmendment)."""
    return [r for r in releases if r["tag"] == [tag]][-1]


def _package_bytes(release: dict, settings) -> bytes:
    """The PDF's attachment: a release package of the one release the document stands for."""
    return json.dumps(release_package(settings, [release]), ensure_ascii=False, indent=2).encode()


async def _context(partnership: dict) -> dict:
    organisation = (
        await Organisation.select().where(Organisation.id == partnership["organisation"]).first()
    )
    milestones = (
        await Milestone.select()
        .where(Milestone.partnership == partnership["id"])
        .order_by(Milestone.position)
    )
    return {"partnership": partnership, "organisation": organisation, "milestones": milestones}


async def _issue(storage, partnership: dict, *, settings, actor, tag: str, **pdf) -> dict:
    """Issue one of the partnership's PDFs with the release package for ``tag`` attached."""
    release = document_release(await releases_for_document(partnership, settings), tag)
    identifier = release["ocid"]  # a pilot shares its stipend's contracting process
    return await issue_pdf(
        storage,
        template=pdf["template"],
        context={
            **await _context(partnership),
            "ocid": identifier,
            "verify_url": f"{settings.base_url}/verify",
            **pdf.get("context", {}),
        },
        locale="de",
        title=pdf["title"].format(ocid=identifier),
        filename=pdf["filename"].format(ocid=identifier),
        kind=pdf["kind"],
        owner_type="partnership",
        owner_id=str(partnership["id"]),
        actor=actor,
        attachments=[
            (
                f"{identifier}-release-package.json",
                _package_bytes(release, settings),
                pdf["package_description"],
            )
        ],
    )


# the contract's template, title and file name per kind of partnership (a pilot is a
# partnership contract; it shares its ocid with the team's stipend agreement)
CONTRACT_TEMPLATES = {"stipend": "stipend_contract.html"}
CONTRACT_TITLES = {
    "stipend": ("Stipendienvereinbarung {ocid}", "Stipendienvereinbarung-{ocid}.pdf"),
    "pilot": ("Pilotvertrag {ocid}", "Pilotvertrag-{ocid}.pdf"),
    "partnership": ("Entwicklungspartnerschaft {ocid}", "Vertrag-{ocid}.pdf"),
}


async def issue_contract(storage, partnership: dict, *, settings, actor=None) -> dict:
    """Issue the contract PDF of a partnership being sent; returns its document row."""
    return await _issue(
        storage,
        partnership,
        settings=settings,
        actor=actor,
        tag="contract",
        template=CONTRACT_TEMPLATES.get(partnership.get("kind"), "contract.html"),
        title=CONTRACT_TITLES[partnership.get("kind") or "partnership"][0],
        filename=CONTRACT_TITLES[partnership.get("kind") or "partnership"][1],
        kind="contract",
        package_description="OCDS 1.1.5 release package of this contract",
    )


async def issue_amendment(
    storage, partnership: dict, amendment: dict, *, settings, actor=None
) -> dict:
    """Issue an amendment's PDF (after the amendment is stored); returns its document row."""
    number = amendment["number"]
    return await _issue(
        storage,
        partnership,
        settings=settings,
        actor=actor,
        tag="contractAmendment",
        template="amendment.html",
        context={"amendment": amendment},
        title=f"Änderungsvereinbarung {number} zu {{ocid}}",
        filename=f"Aenderung-{number}-{{ocid}}.pdf",
        kind="amendment",
        package_description="OCDS 1.1.5 release package after this amendment",
    )
