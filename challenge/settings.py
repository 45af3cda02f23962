"""Settings read once from ``CHALLENGE_*`` environment variables (API.md, configuration)."""

from __future__ import annotations

import ipaddress
import os
import re
import secrets
import sys
from collections.abc import Mapping
from email.policy import default as email_policy
from pathlib import Path
from typing import Annotated, Literal
from urllib.parse import urlsplit

import msgspec

from challenge.settings_sso import role_map, sso_error

PREFIX = "CHALLENGE_"


class SettingsError(Exception):
    """A configuration value is missing or not allowed; the message names the variable."""


class Settings(msgspec.Struct, frozen=True, kw_only=True):
    """Validated configuration of one portal process."""

    data_dir: Path
    database_url: str
    storage: Literal["local", "s3"] = "local"
    s3_bucket: str | None = None
    s3_prefix: str = ""
    s3_endpoint_url: str | None = None
    s3_region: str | None = None
    s3_sse: Literal["AES256", "aws:kms"] | None = None
    s3_kms_key_id: str | None = None
    s3_checksums: Literal["when_supported", "when_required"] = "when_required"
    download_mode: Literal["stream", "redirect"] = "stream"
    presign_seconds: Annotated[int, msgspec.Meta(ge=5, le=3600)] = 60
    upload_max_mb: Annotated[int, msgspec.Meta(ge=1, le=5000)] = 50
    page_cache: bool = True
    smtp_url: str | None = None
    # the From address of every mail (one address, optionally with a display name); unset:
    # noreply@ the host of base_url (challenge.platform.mail.transports.sender_address)
    mail_from: str | None = None
    # mails handed to the SMTP relay per minute, over all workers (0: no limit)
    mail_rate_per_minute: Annotated[int, msgspec.Meta(ge=0, le=1_000_000)] = 600
    secret_key: str | None = None
    base_url: str = "http://127.0.0.1:8000"
    # False when CHALLENGE_BASE_URL is unset: `challenge serve` then uses the host and port it
    # serves, so mail links and PDFs point at the right port.
    base_url_set: bool = False
    trusted_proxies: tuple[str, ...] = ()
    ocds_prefix: Annotated[str, msgspec.Meta(pattern=r"^ocds-[a-z0-9]{6}$")] = "ocds-000000"
    opendata_license: Annotated[str, msgspec.Meta(pattern=r"^https?://\S+$")] = (
        "https://www.govdata.de/dl-de/by-2-0"
    )
    # unset: the theme's authority (challenge.platform.theme), "Stadt Leipzig" by default
    opendata_publisher: Annotated[str, msgspec.Meta(min_length=1, max_length=200)] | None = None
    session_idle_hours: Annotated[int, msgspec.Meta(ge=1, le=24 * 30)] = 8
    session_max_days: Annotated[int, msgspec.Meta(ge=1, le=365)] = 14
    log_level: Literal["debug", "info", "warning", "error"] = "info"
    # None when CHALLENGE_LOG_FORMAT is unset: text lines on a terminal, JSON lines otherwise.
    log_format: Literal["json", "text"] | None = None
    draft_retention_months: Annotated[int, msgspec.Meta(ge=1, le=120)] = 6
    metrics_token: (
        Annotated[str, msgspec.Meta(min_length=32, max_length=200, pattern=r"^[\x21-\x7e]+$")]
        | None
    ) = None
    calendar_feed_secret: (
        Annotated[str, msgspec.Meta(min_length=32, max_length=200, pattern=r"^[\x21-\x7e]+$")]
        | None
    ) = None
    liveness_seconds: Annotated[int, msgspec.Meta(ge=5, le=3600)] = 30
    disk_min_free_mb: Annotated[int, msgspec.Meta(ge=0, le=10**7)] = 200
    theme_dir: Path | None = None  # the city's identity (challenge.platform.theme)
    # single sign-on for staff (challenge.platform.accounts.oidc); off without an issuer
    oidc_issuer: str | None = None
    oidc_client_id: str | None = None
    oidc_client_secret: str | None = None
    oidc_roles_claim: Annotated[str, msgspec.Meta(pattern=r"^[\w.:-]{1,100}$")] = "groups"
    oidc_role_map: tuple[tuple[str, str], ...] = ()  # (portal role, provider group) pairs
    internal_roles_require_sso: bool = False
    require_2fa_internal: bool = True  # staff, finance, admins with a password: TOTP

    @property
    def is_sqlite(self) -> bool:
        return self.database_url.startswith("sqlite:")

    @property
    def sqlite_path(self) -> Path:
        return Path(self.database_url.removeprefix("sqlite:///"))

    @property
    def documents_dir(self) -> Path:
        return self.data_dir / "documents"

    @property
    def mail_dir(self) -> Path:
        return self.data_dir / "mail"

    @property
    def https(self) -> bool:
        return self.base_url.startswith("https://")


# Environment variable suffix -> (field name, what is allowed, for the error message)
_ALLOWED = {
    "DATA_DIR": "a directory path",
    "DATABASE_URL": "sqlite:///<path> or postgresql://user:password@host:port/database",
    "STORAGE": "one of: local, s3",
    "S3_BUCKET": "a bucket name (required when CHALLENGE_STORAGE=s3)",
    "S3_PREFIX": "a key prefix such as 'challenge/'",
    "S3_ENDPOINT_URL": "an http(s) URL such as http://minio:9000",
    "S3_REGION": "a region name such as eu-central-1",
    "S3_SSE": "AES256 or aws:kms (server-side encryption), or unset",
    "S3_KMS_KEY_ID": "the KMS key id for CHALLENGE_S3_SSE=aws:kms",
    "S3_CHECKSUMS": "when_required (safe for MinIO, Ceph, …) or when_supported (AWS)",
    "DOWNLOAD_MODE": "stream (through the portal) or redirect (to a presigned S3 URL)",
    "PRESIGN_SECONDS": "seconds a presigned URL stays valid, 5 to 3600",
    "UPLOAD_MAX_MB": "the largest upload in megabytes, 1 to 5000",
    "PAGE_CACHE": "true or false (cache public pages for anonymous visitors for 5 seconds)",
    "SMTP_URL": "smtp://user:password@host:port or smtps://…, optional ?starttls=1",
    "MAIL_FROM": "one e-mail address, optionally with a name: Smart City Challenge <noreply@city.example>",
    "MAIL_RATE_PER_MINUTE": "a whole number of mails per minute the workers hand to the SMTP relay, 0 for no limit",
    "SECRET_KEY": "a random string of at least 32 characters",
    "BASE_URL": "an absolute http(s) URL without path, such as https://challenge.leipzig.de",
    "TRUSTED_PROXIES": "comma-separated IP addresses or networks, such as 10.0.0.0/8",
    "OCDS_PREFIX": "an OCDS prefix such as ocds-abc123 (ocds- and six lowercase letters or digits)",
    "OPENDATA_LICENSE": "the URL of the open data licence, such as https://www.govdata.de/dl-de/by-2-0",
    "OPENDATA_PUBLISHER": "the publisher's name for open data, 1 to 200 characters",
    "SESSION_IDLE_HOURS": "a whole number of hours between 1 and 720",
    "SESSION_MAX_DAYS": "a whole number of days between 1 and 365",
    "LOG_LEVEL": "one of: debug, info, warning, error",
    "LOG_FORMAT": "json (one object per line) or text",
    "DRAFT_RETENTION_MONTHS": "whole months, 1 to 120, after a call closes until its unsent drafts are deleted",
    "METRICS_TOKEN": "a random string of 32 to 200 printable characters without spaces (Bearer token for /metrics and /readyz details)",
    "CALENDAR_FEED_SECRET": "a random string of 32 to 200 printable characters without spaces (key of the staff calendar feed address)",
    "LIVENESS_SECONDS": "seconds, 5 to 3600, without a database connection after which /healthz fails (the orchestrator restarts the process)",
    "THEME_DIR": "a folder holding theme.toml, templates/ and static/ (the city's identity)",
    "DISK_MIN_FREE_MB": "megabytes, 0 or more, of free space in the data folder below which /readyz reports not ready",
    "OIDC_ISSUER": "the OpenID provider's issuer URL, such as https://sso.city.example/realms/city (turns single sign-on on)",
    "OIDC_CLIENT_ID": "the portal's client id at the OpenID provider (required with CHALLENGE_OIDC_ISSUER)",
    "OIDC_CLIENT_SECRET": "the portal's client secret at the OpenID provider (required with CHALLENGE_OIDC_ISSUER)",
    "OIDC_ROLES_CLAIM": "the ID token claim listing the person's groups, such as groups",
    "OIDC_ROLE_MAP": "comma-separated role=group pairs, roles staff, finance, admin or unit:<unit name>: staff=scc-staff,admin=scc-admin,unit:Amt für Digitalisierung=scc-digital",
    "INTERNAL_ROLES_REQUIRE_SSO": "true or false (staff, finance and admin cannot log in with a local password)",
    "REQUIRE_2FA_INTERNAL": "true or false (staff, finance and admin with a local password must use two-factor login)",
}


def _fail(suffix: str, value: object) -> SettingsError:
    return SettingsError(f"{PREFIX}{suffix}={value!r} is not allowed: expected {_ALLOWED[suffix]}")


def _check_url(suffix: str, value: str | None, schemes: tuple[str, ...]) -> None:
    if value is None:
        return
    parts = urlsplit(value)
    if parts.scheme not in schemes or not parts.hostname:
        raise _fail(suffix, value)


def _dec_hook(type_: type, value: object) -> object:
    if type_ is Path and isinstance(value, str):
        return Path(value)
    raise NotImplementedError(type_)


def _reader(env: Mapping[str, str]):
    """A function reading one ``CHALLENGE_*`` variable: stripped, and None when empty."""

    def get(suffix: str) -> str | None:
        value = env.get(PREFIX + suffix)
        if value is None:
            return None
        value = value.strip()
        return value or None

    return get


def _data_dir(value: str | None, cwd: Path) -> Path:
    data_dir = Path(value or "./var")
    if not data_dir.is_absolute():
        data_dir = (cwd / data_dir).resolve()
    if data_dir.exists() and not data_dir.is_dir():
        raise _fail("DATA_DIR", str(data_dir))
    return data_dir


def _database_url(value: str | None, data_dir: Path) -> str:
    database_url = value or f"sqlite:///{data_dir / 'challenge.sqlite3'}"
    if database_url.startswith("postgres://"):
        database_url = "postgresql://" + database_url.removeprefix("postgres://")
    if database_url.startswith("sqlite:"):
        if not database_url.startswith("sqlite:///") or len(database_url) <= len("sqlite:///"):
            raise _fail("DATABASE_URL", database_url)
    else:
        _check_url("DATABASE_URL", database_url, ("postgresql",))
    return database_url


def _base_url(value: str | None) -> str:
    base_url = (value or "http://127.0.0.1:8000").rstrip("/")
    _check_url("BASE_URL", base_url, ("http", "https"))
    if urlsplit(base_url).path not in ("", "/") or urlsplit(base_url).query:
        raise _fail("BASE_URL", base_url)
    return base_url


def _trusted_proxies(value: str | None) -> list[str]:
    proxies: list[str] = []
    for item in (value or "").split(","):
        item = item.strip()
        if not item:
            continue
        try:
            proxies.append(str(ipaddress.ip_network(item, strict=False)))
        except ValueError:
            raise _fail("TRUSTED_PROXIES", item) from None
    return proxies


def _mail_from(value: str | None) -> str | None:
    """One address (``a@b.example`` or ``Name <a@b.example>``), never a list or a header line."""
    if value is None:
        return None
    header = email_policy.header_factory("From", value)
    addresses = header.addresses
    if header.defects or len(addresses) != 1 or any(c in value for c in "\r\n"):
        raise _fail("MAIL_FROM", value)
    domain = addresses[0].domain
    if not addresses[0].username or not re.fullmatch(r"[A-Za-z0-9.-]+|\[[0-9A-Fa-f.:]+\]", domain):
        raise _fail("MAIL_FROM", value)
    return value


def _secret_key(value: str | None) -> str | None:
    if value is not None and len(value) < 32:
        raise SettingsError(
            f"{PREFIX}SECRET_KEY is too short ({len(value)} characters): "
            f"expected {_ALLOWED['SECRET_KEY']}"
        )
    return value


# Variables passed to msgspec as they are (validated by the Settings field types) ...
_PLAIN = (
    "THEME_DIR",
    "STORAGE",
    "S3_BUCKET",
    "S3_PREFIX",
    "S3_ENDPOINT_URL",
    "S3_REGION",
    "S3_SSE",
    "S3_KMS_KEY_ID",
    "S3_CHECKSUMS",
    "DOWNLOAD_MODE",
    "PRESIGN_SECONDS",
    "UPLOAD_MAX_MB",
    "PAGE_CACHE",
    "SMTP_URL",
    "MAIL_RATE_PER_MINUTE",
    "OCDS_PREFIX",
    "OPENDATA_LICENSE",
    "OPENDATA_PUBLISHER",
    "SESSION_IDLE_HOURS",
    "SESSION_MAX_DAYS",
    "LOG_LEVEL",
    "LOG_FORMAT",
    "DRAFT_RETENTION_MONTHS",
    "METRICS_TOKEN",
    "LIVENESS_SECONDS",
    "DISK_MIN_FREE_MB",
    "CALENDAR_FEED_SECRET",
    "INTERNAL_ROLES_REQUIRE_SSO",
    "REQUIRE_2FA_INTERNAL",
    *(f"OIDC_{name}" for name in ("ISSUER", "CLIENT_ID", "CLIENT_SECRET", "ROLES_CLAIM")),
)
# ... of which these are case-insensitive
_LOWERED = (
    "STORAGE",
    "LOG_LEVEL",
    "LOG_FORMAT",
    "DRAFT_RETENTION_MONTHS",
    "S3_CHECKSUMS",
    "DOWNLOAD_MODE",
)


def _plain_values(get) -> dict[str, object]:
    raw: dict[str, object] = {}
    for suffix in _PLAIN:
        value = get(suffix)
        if value is not None:
            raw[suffix.lower()] = value.lower() if suffix in _LOWERED else value
    return raw


def _check_secrets(raw: Mapping[str, object]) -> None:
    for secret in ("METRICS_TOKEN", "CALENDAR_FEED_SECRET"):
        value = raw.get(secret.lower())
        if value is not None and not re.fullmatch(r"[\x21-\x7e]{32,200}", str(value)):
            # like the secret key, the value itself is never echoed
            raise SettingsError(f"{PREFIX}{secret} is not allowed: expected {_ALLOWED[secret]}")


def _convert(raw: dict[str, object]) -> Settings:
    try:
        return msgspec.convert(raw, Settings, strict=False, dec_hook=_dec_hook)
    except msgspec.ValidationError as exc:
        match = re.search(r"at `\$\.(\w+)", str(exc))
        suffix = match.group(1).upper() if match else ""
        if suffix in _ALLOWED:
            raise _fail(suffix, raw.get(suffix.lower())) from None
        raise SettingsError(f"configuration error: {exc}") from None


def load_settings(env: Mapping[str, str] | None = None, cwd: Path | None = None) -> Settings:
    """Read and validate settings from the environment; raise SettingsError naming the variable."""
    get = _reader(os.environ if env is None else env)
    data_dir = _data_dir(get("DATA_DIR"), cwd or Path.cwd())
    database_url = _database_url(get("DATABASE_URL"), data_dir)
    base_url = _base_url(get("BASE_URL"))
    _check_url("SMTP_URL", get("SMTP_URL"), ("smtp", "smtps"))
    _check_url("S3_ENDPOINT_URL", get("S3_ENDPOINT_URL"), ("http", "https"))
    _check_url("OIDC_ISSUER", get("OIDC_ISSUER"), ("http", "https"))
    raw: dict[str, object] = {
        "data_dir": str(data_dir),
        "database_url": database_url,
        "base_url": base_url,
        "base_url_set": get("BASE_URL") is not None,
        "trusted_proxies": _trusted_proxies(get("TRUSTED_PROXIES")),
        "secret_key": _secret_key(get("SECRET_KEY")),
        "mail_from": _mail_from(get("MAIL_FROM")),
        "oidc_role_map": role_map(get("OIDC_ROLE_MAP"), _fail),
    }
    raw.update(_plain_values(get))
    _check_secrets(raw)
    settings = _convert(raw)
    if settings.storage == "s3" and not settings.s3_bucket:
        raise SettingsError(f"{PREFIX}S3_BUCKET is required when {PREFIX}STORAGE=s3")
    if error := sso_error(
        settings.oidc_issuer, settings.oidc_client_id, settings.oidc_client_secret
    ):
        raise SettingsError(error)
    if settings.theme_dir is not None:
        from challenge.platform.theme import ThemeError, load  # settings come before the platform

        if not settings.theme_dir.is_dir():
            raise _fail("THEME_DIR", str(settings.theme_dir))
        try:
            load(settings.theme_dir)
        except ThemeError as error:
            raise SettingsError(f"{PREFIX}THEME_DIR: {error}") from None
    return settings


def prepare(settings: Settings) -> Settings:
    """Create the data directories and, on first start, the secret key file."""
    try:
        for directory in (settings.data_dir, settings.documents_dir, settings.mail_dir):
            directory.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise SettingsError(
            f"{PREFIX}DATA_DIR={str(settings.data_dir)!r} cannot be used: {exc.strerror}"
        ) from None
    if settings.secret_key:
        return settings
    key_file = settings.data_dir / "secret_key"
    if not key_file.exists():
        # Write a complete file first, then link it into place: a process starting beside
        # this one either wins the link or reads the winner's complete key.
        tmp = key_file.with_name(f".secret_key.{os.getpid()}.{secrets.token_hex(4)}")
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as handle:
            handle.write(secrets.token_urlsafe(48))
        try:
            os.link(tmp, key_file)
        except FileExistsError:
            pass
        finally:
            tmp.unlink()
    return msgspec.structs.replace(settings, secret_key=key_file.read_text().strip())


def settings_or_exit() -> Settings:
    """For commands: prepared settings, or one line naming the bad variable and exit 2."""
    try:
        settings = prepare(load_settings())
    except SettingsError as exc:
        print(f"challenge: configuration error: {exc}", file=sys.stderr)
        sys.exit(2)
    from challenge.platform.templating import configure  # mails and PDFs of every command

    configure(settings.theme_dir)
    return settings
