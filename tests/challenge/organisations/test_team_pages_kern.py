"""The team and account pages as a person sees them: KERN tables and radio groups, roles and
kinds in words, never as codes."""

from __future__ import annotations

import re

from challenge.platform.accounts.tables import RoleGrant
from tests.support.factories import make_team
from tests.support.web import login, make_user, post_form


async def test_team_form_puts_its_kinds_in_a_fieldset_body(client):
    user = await make_user()
    await login(client, user["email"])
    page = await client.get("/teams/new")
    fieldset = re.search(
        r'<fieldset class="kern-fieldset[^"]*" id="field-kind".*?</fieldset>', page.text, re.S
    )
    assert fieldset, "the kind is a KERN fieldset"
    body = fieldset.group(0)
    # the legend comes first, the options sit in the fieldset's body (not beside the legend)
    assert body.index("<legend") < body.index("kern-fieldset__body") < body.index('type="radio"')
    assert 'id="kind-startup"' in body and "Startup" in body
    refused = await post_form(client, "/teams/new", {"name": "Team X", "kind": ""})
    assert "kern-fieldset--error" in refused.text


async def test_team_members_are_a_kern_table_with_actions_named(client):
    user = await make_user(name="Olga Owner")
    other = await make_user(name="Max Member")
    team = await make_team(user["id"], name="Team Tabelle", members=[other["id"]])
    await login(client, user["email"])
    page = await client.get(f"/teams/{team['id']}")
    assert 'class="kern-table-responsive"' in page.text and "<caption" in page.text
    assert (
        '<th scope="row" class="kern-table__header kern-table__header--row">Max Member</th>'
        in page.text
    )
    assert "Mitglied" in page.text and ">member<" not in page.text


async def test_the_account_names_roles_in_words(client):
    user = await make_user()
    await RoleGrant(user=user["id"], role="finance").save()
    await login(client, user["email"])
    page = await client.get("/account")
    assert "Rollen: Finanzen" in page.text
    assert "Rollen: finance" not in page.text
