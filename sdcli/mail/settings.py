"""The desk's mail settings, in the config file (sdcli config set … --desk; README: Configuration):
its addresses and its SMTP server. No CLI imports.

No password is ever a setting: sdcli reads it from the environment variable smtp_password_env
names, or from the OS keyring (smtp_keyring), and refuses `smtp_password` wherever it is given.
"""

from __future__ import annotations

from typing import Any

#: every mail setting and its environment variable
SETTINGS = {
    "mail_from": "SDCLI_MAIL_FROM",  # the From of replies and updates: "Service Desk <desk@example.com>"
    "mail_ssr_from": "SDCLI_MAIL_SSR_FROM",  # the From of SSR confirmations (default: mail_from)
    "mail_domain": "SDCLI_MAIL_DOMAIN",  # the domain of the Message-IDs sdcli makes (default: mail_from's)
    "smtp_host": "SDCLI_SMTP_HOST",
    "smtp_port": "SDCLI_SMTP_PORT",  # default: 587 with starttls, 465 with tls, 25 with none
    "smtp_security": "SDCLI_SMTP_SECURITY",  # starttls (default), tls or none
    "smtp_user": "SDCLI_SMTP_USER",
    "smtp_password_env": "SDCLI_SMTP_PASSWORD_ENV",  # the NAME of the variable holding the password
    "smtp_keyring": "SDCLI_SMTP_KEYRING",  # true: the password is in the OS keyring
    "smtp_timeout": "SDCLI_SMTP_TIMEOUT",  # seconds (default 30)
    "smtp_ca_file": "SDCLI_SMTP_CA_FILE",  # the CA bundle that signs the server's certificate
}
SECURITY = ("starttls", "tls", "none")
#: the names a password would have: refused, saying where it comes from instead
PASSWORD_KEYS = frozenset({"smtp_password", "password", "smtp_pass"})


def value(name: str, raw: Any) -> Any:
    """A mail setting's value from text or a file's value, checked (InvalidValue naming it)."""
    from email.utils import getaddresses

    from sdcli import validate
    from sdcli.errors import InvalidValue

    if name == "smtp_keyring":
        return validate.yesno(name, raw)
    if name in ("smtp_port", "smtp_timeout"):
        low, high = (1, 65535) if name == "smtp_port" else (1, 600)
        try:
            number = int(str(raw).strip()) if not isinstance(raw, bool) else None
        except ValueError:
            number = None
        if number is None or not low <= number <= high:
            raise InvalidValue(name, raw, "invalid.number_between", low=low, high=high)
        return number
    if not isinstance(raw, str) or not raw.strip():
        raise InvalidValue(name, raw, "invalid.text")
    text = raw.strip()
    if name == "smtp_security":
        if text.lower() not in SECURITY:
            raise InvalidValue(name, raw, "invalid.smtp_security")
        return text.lower()
    if name in ("mail_from", "mail_ssr_from"):
        found = getaddresses([text])
        if len(found) != 1 or "@" not in found[0][1]:
            raise InvalidValue(name, raw, "invalid.mail_from")
        validate.email(name, found[0][1])
        return text
    if name == "smtp_password_env" and not text.replace("_", "").isalnum():
        raise InvalidValue(name, raw, "invalid.variable_name")
    return validate.text(name, text, limit=1000)
