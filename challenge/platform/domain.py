"""How the platform joins the portal: accounts, administration, the audit log and documents.

Health, metrics and static files are infrastructure; `challenge.app` adds them itself.
"""

from __future__ import annotations

from challenge.platform.domains import Domain


def domain() -> Domain:
    from challenge.platform import dashboard, statuses
    from challenge.platform.accounts.api import AdminUsersApi, AuthApi, MeApi
    from challenge.platform.accounts.oidc_pages import SingleSignOnPages
    from challenge.platform.accounts.pages import AccountPages, AccountSettingsPages
    from challenge.platform.accounts.session_pages import SessionPages, SessionsApi
    from challenge.platform.accounts.two_factor_admin import AdminTwoFactorPages
    from challenge.platform.accounts.two_factor_api import AdminTwoFactorApi, TwoFactorApi
    from challenge.platform.accounts.two_factor_pages import (
        TwoFactorAccountPages,
        TwoFactorSignInPages,
    )
    from challenge.platform.admin.pages import AdminPages
    from challenge.platform.audit.api import verify_audit_log
    from challenge.platform.documents.api import LibraryApi, download_document
    from challenge.platform.documents.pages import LibraryPages, VerifyPages
    from challenge.platform.documents.policies import library_reader
    from challenge.platform.pages import SitePages

    return Domain(
        name="platform",
        statuses=statuses.STATUSES,
        dashboard=dashboard.panels,
        routers=[
            SitePages,
            AccountPages,
            AccountSettingsPages,
            SingleSignOnPages,
            SessionPages,
            SessionsApi,
            TwoFactorSignInPages,
            TwoFactorAccountPages,
            TwoFactorApi,
            AdminTwoFactorPages,
            AdminTwoFactorApi,
            AuthApi,
            MeApi,
            AdminPages,
            AdminUsersApi,
            verify_audit_log,
            LibraryPages,
            LibraryApi,
            download_document,
            VerifyPages,
        ],
        document_readers={"user": library_reader},
    )
