"""How calls join the portal."""

from __future__ import annotations

from challenge.platform.domains import Domain
from challenge.platform.i18n import N_


def domain() -> Domain:
    from challenge.calls import dashboard, statuses
    from challenge.calls.api import CallsApi
    from challenge.calls.mail_templates_api import MailTemplatesApi
    from challenge.calls.mail_templates_pages import StaffMailTemplatePages
    from challenge.calls.pages import CallPages
    from challenge.calls.staff_pages import StaffCallPages

    return Domain(
        name="calls",
        statuses=statuses.STATUSES,
        dashboard=dashboard.panels,
        routers=[CallPages, StaffCallPages, CallsApi, StaffMailTemplatePages, MailTemplatesApi],
        # staff's mail templates live here: a version of a mail may be for one call
        nav_links=[("/staff/mail-templates", N_("Mail templates"), ("staff", "admin"))],
    )
