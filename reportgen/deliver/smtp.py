"""The SMTP connection: verified TLS, a socket timeout, the password only from the environment and never shown.

Faults that end the run (server unreachable, certificate, login, sender refused, connection lost) raise
DeliveryError; a fault that concerns one message only (a refused recipient) raises MessageRefused, and the
run goes on with the others.
"""

from __future__ import annotations

import base64
import ipaddress
import os
import smtplib
import socket
import ssl
from collections.abc import Mapping
from email.message import EmailMessage

from reportgen.config import EmailSettings
from reportgen.errors import DeliveryError
from reportgen.i18n.ui import _

LOCAL_HOSTS = ("localhost", "localhost.localdomain", "ip6-localhost")


class MessageRefused(Exception):
    """The server refused one message (its recipient, or its content); `reason` is the server's reply."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def is_local(host: str) -> bool:
    """Return True when `host` names this machine (localhost, 127.0.0.0/8, ::1)."""
    name = host.strip().strip("[]").lower()
    if name in LOCAL_HOSTS:
        return True
    try:
        return ipaddress.ip_address(name).is_loopback
    except ValueError:
        return False


def transport_problems(settings: EmailSettings, environ: Mapping[str, str] | None = None) -> tuple[list[str], str | None]:
    """Return (problems with the SMTP settings, the password from the environment or None)."""
    env = os.environ if environ is None else environ
    problems = []
    if not settings.host.strip():
        problems.append(_("[email] host is empty: name the SMTP server"))
    elif settings.security == "none" and not is_local(settings.host):
        problems.append(_("[email] security = 'none' is allowed only for a server on this machine (localhost), "
                          "not {host}: use 'starttls' (port 587) or 'tls' (port 465)").format(host=settings.host))
    if not 0 < settings.port < 65536:
        problems.append(_("[email] port = {port}: use a port between 1 and 65535").format(port=settings.port))
    if not settings.timeout > 0:
        problems.append(_("[email] timeout must be more than 0 seconds"))
    if settings.cafile and not os.path.isfile(settings.cafile):
        problems.append(_("[email] cafile = {path}: no such file").format(path=settings.cafile))
    password = None
    if settings.user:
        if not settings.password_env:
            problems.append(_("[email] user is set but password_env is empty: name the environment variable that "
                              "holds the password"))
        else:
            password = env.get(settings.password_env) or None
            if password is None:
                problems.append(_("[email] user is {user!r} but the environment variable {var} that holds the password "
                                  "is not set (the password is never read from a file)").format(
                                      user=settings.user, var=settings.password_env))
    return problems, password


class Mailer:
    """One SMTP session: `connect()`, `send()` per message, `close()`; the password is kept off every message."""

    def __init__(self, settings: EmailSettings, password: str | None, cafile: str | None = None) -> None:
        self.settings = settings
        self._password = password
        self.cafile = cafile if cafile is not None else (settings.cafile or None)
        self.smtp: smtplib.SMTP | None = None

    @property
    def where(self) -> str:
        """Return 'host:port' for messages."""
        return f"{self.settings.host}:{self.settings.port}"

    def connect(self) -> None:
        """Open the session: connect, TLS (implicit or STARTTLS, certificate verified), login; raise DeliveryError."""
        s = self.settings
        context = ssl.create_default_context(cafile=self.cafile)
        smtp = smtplib.SMTP_SSL(timeout=s.timeout, context=context) if s.security == "tls" else \
            smtplib.SMTP(timeout=s.timeout)
        # starttls() and SMTP_SSL check the certificate against `_host`, which only the constructor sets; the
        # constructor is not used to connect because it leaks the socket when the greeting fails
        smtp._host = s.host
        try:
            smtp.connect(s.host, s.port)
            if s.security == "starttls":
                smtp.ehlo()
                if not smtp.has_extn("starttls"):
                    raise DeliveryError(
                        _("The SMTP server {where} does not offer STARTTLS, so the login and the reports would travel "
                          "unencrypted.").format(where=self.where),
                        hint=_("Use security = 'tls' if the server expects implicit TLS (usually port 465), or ask its "
                               "administrator to enable STARTTLS."))
                smtp.starttls(context=context)
                smtp.ehlo()
            if s.user:
                smtp.login(s.user, self._password or "")
        except BaseException as exc:
            smtp.close()
            if isinstance(exc, DeliveryError):
                raise
            if isinstance(exc, Exception):
                raise self._connect_error(exc) from None
            raise
        self.smtp = smtp

    def _connect_error(self, exc: Exception) -> DeliveryError:
        """Return the DeliveryError that explains a failure to open the session."""
        s, reason = self.settings, self.scrub(_reason(exc))
        if isinstance(exc, smtplib.SMTPAuthenticationError):
            return DeliveryError(
                _("The SMTP server {where} refused the login of user {user}: {reason}").format(
                    where=self.where, user=s.user, reason=reason),
                hint=_("Check [email] user and the password in the environment variable {var}.").format(
                    var=s.password_env))
        if isinstance(exc, smtplib.SMTPNotSupportedError):
            return DeliveryError(
                _("The SMTP server {where} offers no login (AUTH), but [email] user is set.").format(where=self.where),
                hint=_("Leave [email] user empty if the server needs no login; many servers offer AUTH only over TLS."))
        if isinstance(exc, ssl.SSLCertVerificationError):
            return DeliveryError(
                _("The certificate of the SMTP server {where} could not be verified: {reason}").format(
                    where=self.where, reason=exc.verify_message or reason),
                hint=_("If the server's certificate is signed by your organisation's own CA, set [email] cafile to "
                       "that CA's PEM file; verification is never turned off."))
        if isinstance(exc, ssl.SSLError):
            return DeliveryError(
                _("The TLS connection to the SMTP server {where} failed: {reason}").format(where=self.where,
                                                                                           reason=reason),
                hint=_("Check [email] security and port: 'tls' usually on 465, 'starttls' on 587."))
        if isinstance(exc, smtplib.SMTPResponseException):
            return DeliveryError(
                _("The SMTP server {where} refused the session: {reason}").format(where=self.where, reason=reason),
                hint=_("Check [email] host, port and security with the server's administrator."))
        if isinstance(exc, (socket.timeout, TimeoutError)):
            return DeliveryError(
                _("The SMTP server {where} did not answer within {seconds} s.").format(
                    where=self.where, seconds=s.timeout),
                hint=_("Check [email] host and port ('tls' usually on 465, 'starttls' on 587), and that this machine "
                       "may reach the server (firewall, VPN)."))
        return DeliveryError(
            _("Cannot reach the SMTP server {where}: {reason}").format(where=self.where, reason=reason),
            hint=_("Check [email] host and port, and that this machine may reach the server (firewall, VPN)."))

    def send(self, message: EmailMessage, sender: str, recipient: str) -> None:
        """Send `message` to exactly `recipient` (the envelope, not the headers, decides who receives it).

        Raise MessageRefused when the server refuses this recipient or message, DeliveryError when the session
        cannot go on.
        """
        if self.smtp is None:
            self.connect()
        try:
            self.smtp.send_message(message, from_addr=sender, to_addrs=[recipient])
        except smtplib.SMTPRecipientsRefused as exc:
            code, reply = exc.recipients.get(recipient, next(iter(exc.recipients.values()), (0, b"")))
            if code == 421:
                raise self._lost(_reason(smtplib.SMTPResponseException(code, reply))) from None
            raise MessageRefused(self.scrub(_reason(smtplib.SMTPResponseException(code, reply)))) from None
        except smtplib.SMTPSenderRefused as exc:
            raise DeliveryError(
                _("The SMTP server {where} refused the sender {sender}: {reason}").format(
                    where=self.where, sender=sender, reason=self.scrub(_reason(exc))),
                hint=_("Check [email] sender: many servers accept only the address of the logged-in user.")) from None
        except smtplib.SMTPResponseException as exc:
            if exc.smtp_code == 421:  # the server is closing the session: nothing more will go through it
                raise self._lost(_reason(exc)) from None
            raise MessageRefused(self.scrub(_reason(exc))) from None
        except (smtplib.SMTPException, OSError) as exc:
            raise self._lost(_reason(exc)) from None

    def _lost(self, reason: str) -> DeliveryError:
        """Return the error for a session that broke off, after closing it."""
        self.close()
        return DeliveryError(
            _("The connection to the SMTP server {where} was lost: {reason}").format(
                where=self.where, reason=self.scrub(reason)),
            hint=_("Run the same command again: messages already delivered are in the send log and are not sent "
                   "twice."))

    def close(self) -> None:
        """End the session politely if possible; always release the socket."""
        smtp, self.smtp = self.smtp, None
        if smtp is None:
            return
        try:
            smtp.quit()
        except (smtplib.SMTPException, OSError):
            pass
        finally:
            smtp.close()

    def scrub(self, text: str) -> str:
        """Return `text` with the password (plain or in an AUTH exchange's base64) replaced by '***'."""
        secret = self._password
        if not secret:
            return text
        user = self.settings.user
        forms = {secret, _b64(secret), _b64(f"\0{user}\0{secret}"), _b64(f"{user}\0{user}\0{secret}")}
        for form in sorted(forms, key=len, reverse=True):
            text = text.replace(form, "***")
        return text

    def __enter__(self) -> Mailer:
        return self

    def __exit__(self, *exc) -> None:
        self.close()


def _b64(text: str) -> str:
    """Return `text` base64-encoded as in an AUTH exchange."""
    return base64.b64encode(text.encode("utf-8")).decode("ascii")


def _reason(exc: BaseException) -> str:
    """Return a fault as one line: the server's code and reply, or the system's message."""
    if isinstance(exc, smtplib.SMTPResponseException):
        reply = exc.smtp_error.decode("utf-8", "replace") if isinstance(exc.smtp_error, bytes) else str(exc.smtp_error)
        return f"{exc.smtp_code} {' '.join(reply.split())}".strip()
    if isinstance(exc, ssl.SSLError) and getattr(exc, "reason", None):
        return str(exc.reason).replace("_", " ").lower()
    if isinstance(exc, OSError) and exc.strerror:
        return exc.strerror
    return " ".join(str(exc).split()) or type(exc).__name__
