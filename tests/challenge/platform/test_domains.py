"""The Domain record: installing domains, asking them (``each``), and assembling the app from them."""

from __future__ import annotations

import pytest
from litestar import Controller
from litestar.handlers import BaseRouteHandler

from challenge.app import create_app
from challenge.domains import all_domains, core_domains
from challenge.platform import domains
from challenge.platform.domains import Domain


@pytest.fixture
def restore_domains():
    """Unit tests install their own records; the session's app needs the real ones back."""
    before = domains.installed()
    yield
    domains.install(before)


async def _reader(user, document) -> bool:
    return True


def test_install_keeps_the_stage_order(restore_domains):
    first, second = Domain(name="first"), Domain(name="second")
    domains.install([first, second])
    assert domains.installed() == (first, second)


def test_install_refuses_two_domains_of_one_name(restore_domains):
    with pytest.raises(ValueError, match="share a name"):
        domains.install([Domain(name="jury"), Domain(name="jury")])


def test_each_yields_only_the_domains_that_set_the_attribute(restore_domains):
    readers = {"thing": _reader}
    domains.install(
        [Domain(name="a"), Domain(name="b", document_readers=readers), Domain(name="c")]
    )
    assert [(d.name, value) for d, value in domains.each("document_readers")] == [("b", readers)]
    assert list(domains.each("periodic")) == []


def test_core_domains_come_in_stage_order_and_extensions_after_them():
    names = [d.name for d in all_domains()]
    assert names[:7] == [
        "platform",
        "organisations",
        "calls",
        "challenges",
        "submissions",
        "jury",
        "results",
    ]
    assert "partnerships" in names[7:]


def test_later_stages_register_into_earlier_ones():
    by_name = {d.name: d for d in core_domains()}
    assert "certificates" in by_name["results"].job_handlers
    assert callable(by_name["results"].job_handlers["certificates"])
    assert by_name["results"].submission_outcome is not None
    assert by_name["jury"].submission_readers and by_name["jury"].call_events is not None
    assert {"submission", "submission_issued"} <= set(by_name["submissions"].document_readers)
    assert by_name["challenges"].call_challenges is not None
    assert by_name["submissions"].challenge_has_entries is not None


def _handler_functions(router) -> set:
    if isinstance(router, type) and issubclass(router, Controller):
        return {value.fn for value in vars(router).values() if isinstance(value, BaseRouteHandler)}
    return {router.fn}


def test_the_app_serves_every_installed_domains_routers(settings):
    app = create_app(settings)
    served = {
        getattr(h.fn, "__func__", h.fn) for route in app.routes for h in route.route_handlers
    }  # controllers bind
    for domain in domains.installed():
        for router in domain.routers:
            missing = _handler_functions(router) - served
            assert not missing, f"{domain.name}: {router} is not in the app"
    assert {"/healthz", "/readyz", "/metrics"} <= {route.path for route in app.routes}


async def test_earlier_stages_ask_the_hooks_later_ones_register(restore_domains):
    from challenge.calls.entries import has_entries
    from challenge.calls.events import public_events
    from challenge.submissions.outcomes import outcome_for

    async def entries(call_id) -> bool:
        return call_id == "with entries"

    async def events(call_id) -> list[dict]:
        return [{"name": "Pitch"}]

    async def outcome(call, submission_id) -> dict:
        return {"outcome": "awarded"}

    domains.install(
        [
            Domain(name="none"),
            Domain(
                name="later",
                call_has_entries=entries,
                call_events=events,
                submission_outcome=outcome,
            ),
        ]
    )
    assert await has_entries("with entries") and not await has_entries("empty")
    assert await public_events("call") == [{"name": "Pitch"}]
    assert await outcome_for({}, "entry") == {"outcome": "awarded"}
    domains.install([Domain(name="alone")])
    assert not await has_entries("with entries") and await public_events("call") == []
    assert await outcome_for({}, "entry") is None


async def test_a_job_kind_no_domain_names_is_refused(restore_domains):
    from challenge.platform.jobs import service as jobs

    async def handler(settings, job, progress) -> None:
        return None

    domains.install([Domain(name="worker", job_handlers={"count": handler})])
    assert jobs.handler_for("count") is handler
    with pytest.raises(ValueError, match="unknown job kind"):
        await jobs.submit("nothing-handles-this", "subject")
