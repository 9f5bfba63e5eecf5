"""Tests of `reportgen send`: real SMTP servers on 127.0.0.1 (aiosmtpd), messages read back with `email`.

One build of the bundled sample (PDF only) serves every test; each test works on its own copy of it.
"""

from __future__ import annotations

import io
import json
import re
import shutil
import socket
import ssl
from email import message_from_bytes, policy
from email.utils import parsedate_to_datetime
from pathlib import Path

import pandas as pd
import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult
from markupsafe import escape
from rich.console import Console

from reportgen import pipeline
from reportgen.config import settings_from_dict
from reportgen.console import Reporter
from reportgen.deliver import PartialDeliveryError, send_summaries
from reportgen.deliver.addresses import AddressProblem, parse_address
from reportgen.errors import ConfigError, DataError, DeliveryError, UserError
from reportgen.render.wording import Wording
from tests.conftest import SAMPLE_DATA
from tests.render_helpers import tr

PERIOD = "2026-Q3"
ORGANISATION = "Demo Regional Bank"
SENDER = "Analytics <analytics@bank.example>"
RECIPIENTS = {
    "fr": ["Jean Dupont <jean@bank.example>", "marie@bank.example"],
    "ru": ['"Иванов, Иван" <ivanov@bank.example>'],
    "en": ["boss@bank.example"],
}
PASSWORD = "Wr0ng-S3cret!pass"
GOOD_PASSWORD = "c0rrect-h0rse"


# --- the build, the servers, the settings ---------------------------------------------------------------


@pytest.fixture(scope="session")
def built(tmp_path_factory) -> Path:
    """Return a folder with context.json and summary_{fr,ru,en}.pdf of the bundled sample (built once)."""
    folder = tmp_path_factory.mktemp("build")
    settings = settings_from_dict({"report": {"organisation": ORGANISATION, "period": PERIOD,
                                              "languages": ["fr", "ru", "en"], "formats": ["pdf"]}})
    pipeline.build(settings, None, str(folder), Reporter(-1))
    return folder


@pytest.fixture
def out(built, tmp_path) -> Path:
    """Return this test's own copy of the build (its send log and outbox stay private)."""
    folder = tmp_path / "build"
    folder.mkdir()
    for path in [built / "context.json", *built.glob("summary_*.pdf")]:
        shutil.copy(path, folder / path.name)
    return folder


class Recorder:
    """An aiosmtpd handler that keeps what it receives; it can refuse recipients or stop after N messages."""

    def __init__(self, refuse=(), accept=None) -> None:
        self.refuse = set(refuse)
        self.accept = accept
        self.envelopes: list[tuple[str, list[str], bytes]] = []
        self.port = 0

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address in self.refuse:
            return f"550 5.1.1 <{address}>: mailbox unavailable"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        if self.accept is not None and len(self.envelopes) >= self.accept:
            return "421 4.3.2 Service shutting down"
        self.envelopes.append((envelope.mail_from, list(envelope.rcpt_tos), envelope.original_content))
        return "250 2.0.0 Queued"

    def messages(self) -> list:
        """Return the received messages parsed by the email package."""
        return [message_from_bytes(raw, policy=policy.default) for _, _, raw in self.envelopes]

    def recipients(self) -> list[str]:
        """Return every envelope recipient, in order."""
        return [rcpt for _, rcpts, _ in self.envelopes for rcpt in rcpts]


def free_port() -> int:
    """Return a TCP port on 127.0.0.1 that nothing listens on."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def smtp_server(built):
    """Return a function that starts an SMTP server on 127.0.0.1 (stopped after the test) and its Recorder.

    It depends on `built` so the build (which forks workers) runs before any server thread exists.
    """
    controllers = []

    def start(handler: Recorder | None = None, **kwargs) -> Recorder:
        handler = handler or Recorder()
        controller = Controller(handler, hostname="127.0.0.1", port=free_port(), server_hostname="mail.test",
                                **kwargs)
        controller.start()
        controllers.append(controller)
        handler.port = controller.port
        return handler

    yield start
    for controller in controllers:
        controller.stop()


def make_settings(port: int = 0, recipients: dict | None = None, report: dict | None = None, **email):
    """Return Settings for a server on 127.0.0.1 without TLS, unless `email` says otherwise."""
    values = {"host": "127.0.0.1", "port": port or 25, "security": "none", "sender": SENDER, "timeout": 5.0,
              "recipients": RECIPIENTS if recipients is None else recipients}
    values.update(email)
    return settings_from_dict({"report": {"organisation": ORGANISATION, **(report or {})}, "email": values})


def capture() -> tuple[Reporter, io.StringIO]:
    """Return a Reporter writing both its streams into one buffer, and the buffer."""
    buffer = io.StringIO()
    console = Console(file=buffer, width=200, highlight=False, soft_wrap=True)
    return Reporter(0, err=console, out=console), buffer


def context_of(folder: Path) -> dict:
    """Return the context of a build folder."""
    return json.loads((folder / "context.json").read_text(encoding="utf-8"))


# --- delivery -------------------------------------------------------------------------------------------


def test_one_message_per_recipient_and_language_each_in_its_language(out, smtp_server):
    server = smtp_server()
    reporter, buffer = capture()
    result = send_summaries(out, make_settings(server.port), reporter=reporter)

    assert (result["sent"], result["skipped"], result["failed"]) == (4, 0, 0)
    assert sorted(server.recipients()) == sorted(
        ["jean@bank.example", "marie@bank.example", "ivanov@bank.example", "boss@bank.example"])
    context = context_of(out)
    by_address = {}
    for (mail_from, rcpts, _), msg in zip(server.envelopes, server.messages()):
        assert mail_from == "analytics@bank.example"
        assert len(rcpts) == 1  # one message per recipient: nobody sees the others' addresses
        assert [a.addr_spec for a in msg["To"].addresses] == rcpts
        by_address[rcpts[0]] = msg
    expected_lang = {"jean@bank.example": "fr", "marie@bank.example": "fr", "ivanov@bank.example": "ru",
                     "boss@bank.example": "en"}
    for address, msg in by_address.items():
        lang = expected_lang[address]
        w = Wording(context, lang)
        o = context["overview"]
        assert msg["Content-Language"] == lang
        assert msg["Subject"].startswith(w._("Client churn {period}: {rate}").format(
            period=w.fmt.period(PERIOD), rate=w.fmt.percent(o["churn_rate"])))
        assert ORGANISATION in msg["Subject"]
        assert re.fullmatch(r"<[^<>@\s]+@bank\.example>", msg["Message-ID"])
        assert parsedate_to_datetime(msg["Date"]).tzinfo is not None
        assert msg.get_content_type() == "multipart/mixed"
        assert msg.get_payload()[0].get_content_type() == "multipart/alternative"
        text = msg.get_body(("plain",)).get_content()
        html = msg.get_body(("html",)).get_content()
        low, high = o["churn_rate_ci"]
        for figure in (w.fmt.number(o["customers"]), w.fmt.percent(o["churn_rate"]), w.fmt.number(o["churned"]),
                       w.fmt.percent(low), w.fmt.percent(high)):
            assert figure in text and figure in html
        for finding in w.key_findings():
            assert finding in text
            assert str(escape(finding)) in html
        (attachment,) = list(msg.iter_attachments())
        assert attachment.get_content_type() == "application/pdf"
        assert attachment.get_filename() == f"churn_summary_{PERIOD}_{lang}.pdf"
        assert attachment.get_content() == (out / f"summary_{lang}.pdf").read_bytes()
    fr, ru, en = by_address["jean@bank.example"], by_address["ivanov@bank.example"], by_address["boss@bank.example"]
    # the subjects and headings come from the catalogs, read here with Babel directly
    # the churn rate is counted here from the bundled CSV (no duplicate rows to drop there), and the period
    # read from PERIOD, then both written as each language writes them
    frame = pd.read_csv(SAMPLE_DATA)
    assert not frame.duplicated().any() and frame["churn"].notna().all()
    percent = f"{frame['churn'].mean() * 100:.1f}"
    year, quarter = PERIOD.split("-Q")
    rate = percent.replace(".", ",")
    assert tr("fr", "Client churn {period}: {rate}").split("{period}")[0] in fr["Subject"]
    assert f"{rate}\u00a0%" in fr["Subject"] or f"{rate}\u202f%" in fr["Subject"]
    assert tr("fr", "Key findings") in fr.get_body(("plain",)).get_content()
    assert re.search("[а-яё]", ru["Subject"]) and f"{quarter}-й квартал {year}" in ru["Subject"].replace("\u202f", " ")
    assert tr("ru", "Key findings") in ru.get_body(("html",)).get_content()
    assert en["Subject"] == f"Client churn Q{quarter} {year}: {percent}% — {ORGANISATION}"
    # the display name with a comma stays one address, quoted
    assert [a.addr_spec for a in ru["To"].addresses] == ["ivanov@bank.example"]
    assert ru["To"].addresses[0].display_name == "Иванов, Иван"

    log = json.loads((out / "send_log.json").read_text(encoding="utf-8"))
    assert len(log["sent"]) == 4
    shown = buffer.getvalue()
    assert shown.count("sent to") == 4
    assert "4 messages sent, 0 skipped (already sent), 0 failed." in shown


def test_to_replaces_the_configured_recipients_for_every_requested_language(out, smtp_server):
    server = smtp_server()
    result = send_summaries(out, make_settings(server.port), languages=["fr", "ru"],
                            to=["Ops <ops@bank.example>"], reporter=Reporter(-1))
    assert result["sent"] == 2
    assert server.recipients() == ["ops@bank.example", "ops@bank.example"]
    assert sorted(m["Content-Language"] for m in server.messages()) == ["fr", "ru"]


def test_repeated_run_sends_nothing_twice_but_a_rebuilt_pdf_goes_out_again(out, smtp_server):
    server = smtp_server()
    settings = make_settings(server.port)
    send_summaries(out, settings, reporter=Reporter(-1))
    reporter, buffer = capture()
    again = send_summaries(out, settings, reporter=reporter)
    assert (again["sent"], again["skipped"]) == (0, 4)
    assert len(server.envelopes) == 4
    assert buffer.getvalue().count("already has this summary, skipped") == 4

    with (out / "summary_fr.pdf").open("ab") as fh:  # a rebuilt PDF: other bytes, other hash
        fh.write(b"\n% rebuilt\n")
    rebuilt = send_summaries(out, settings, reporter=Reporter(-1))
    assert (rebuilt["sent"], rebuilt["skipped"]) == (2, 2)
    assert sorted(server.recipients()[4:]) == ["jean@bank.example", "marie@bank.example"]


# --- faults ---------------------------------------------------------------------------------------------


def test_unreachable_server_is_a_delivery_error(out):
    port = free_port()  # nothing listens there
    with pytest.raises(DeliveryError) as caught:
        send_summaries(out, make_settings(port), reporter=Reporter(-1))
    assert caught.value.exit_code == 3
    assert f"127.0.0.1:{port}" in caught.value.message
    assert caught.value.hint
    assert caught.value.result["sent"] == 0 and caught.value.result["failed"] == 4
    assert not (out / "send_log.json").exists()


def refuse_unless_good_password(server, session, envelope, mechanism, auth_data):
    """Accept only GOOD_PASSWORD (aiosmtpd authenticator; handled=False: aiosmtpd sends the 535 itself)."""
    return AuthResult(success=auth_data.password == GOOD_PASSWORD.encode(), handled=False)


def test_refused_login_names_the_user_and_never_the_password(out, smtp_server, monkeypatch):
    server = smtp_server(authenticator=refuse_unless_good_password, auth_require_tls=False)
    monkeypatch.setenv("REPORTGEN_SMTP_PASSWORD", PASSWORD)
    settings = make_settings(server.port, user="reports@bank.example")
    reporter, buffer = capture()
    with pytest.raises(DeliveryError) as caught:
        send_summaries(out, settings, reporter=reporter)
    error = caught.value
    reporter.error(error)
    assert error.exit_code == 3
    assert "reports@bank.example" in error.message
    assert "535" in error.message
    assert "REPORTGEN_SMTP_PASSWORD" in error.hint
    shown = " ".join([error.message, error.hint or "", *error.details(), buffer.getvalue(), repr(error.__dict__)])
    assert PASSWORD not in shown
    assert server.envelopes == []

    monkeypatch.setenv("REPORTGEN_SMTP_PASSWORD", GOOD_PASSWORD)
    assert send_summaries(out, settings, reporter=Reporter(-1))["sent"] == 4


def test_user_without_password_in_the_environment_is_a_config_error(out, monkeypatch):
    monkeypatch.delenv("REPORTGEN_SMTP_PASSWORD", raising=False)
    with pytest.raises(ConfigError) as caught:
        send_summaries(out, make_settings(free_port(), user="reports@bank.example"), reporter=Reporter(-1))
    assert caught.value.exit_code == 2
    assert any("REPORTGEN_SMTP_PASSWORD" in p and "reports@bank.example" in p for p in caught.value.problems)


def test_plain_smtp_is_refused_for_a_server_that_is_not_local(out):
    with pytest.raises(ConfigError) as caught:
        send_summaries(out, make_settings(25, host="smtp.bank.example", security="none"), reporter=Reporter(-1))
    assert any("security = 'none'" in p and "smtp.bank.example" in p for p in caught.value.problems)


def test_rejected_recipient_others_are_served_and_a_rerun_sends_only_to_it(out, smtp_server):
    server = smtp_server(Recorder(refuse={"marie@bank.example"}))
    settings = make_settings(server.port)
    reporter, buffer = capture()
    with pytest.raises(PartialDeliveryError) as caught:
        send_summaries(out, settings, reporter=reporter)
    error = caught.value
    assert isinstance(error, DeliveryError) and error.exit_code == 3
    assert (error.result["sent"], error.result["failed"]) == (3, 1)
    assert any("marie@bank.example" in line and "550" in line for line in error.details())
    assert "marie@bank.example refused by the server" in buffer.getvalue()
    assert sorted(server.recipients()) == ["boss@bank.example", "ivanov@bank.example", "jean@bank.example"]

    server.refuse.clear()  # the mailbox is fixed; the same command is run again
    result = send_summaries(out, settings, reporter=Reporter(-1))
    assert (result["sent"], result["skipped"], result["failed"]) == (1, 3, 0)
    assert server.recipients()[3:] == ["marie@bank.example"]


def test_server_going_down_half_way_then_the_rerun_serves_only_the_rest(out, smtp_server):
    first = smtp_server(Recorder(accept=1))
    with pytest.raises(DeliveryError) as caught:
        send_summaries(out, make_settings(first.port), reporter=Reporter(-1))
    assert "421" in caught.value.message
    assert (caught.value.result["sent"], caught.value.result["failed"]) == (1, 3)
    assert len(json.loads((out / "send_log.json").read_text(encoding="utf-8"))["sent"]) == 1

    second = smtp_server()  # the server is back (elsewhere)
    result = send_summaries(out, make_settings(second.port), reporter=Reporter(-1))
    assert (result["sent"], result["skipped"]) == (3, 1)
    everyone = first.recipients() + second.recipients()
    assert sorted(everyone) == sorted(set(everyone)) and len(everyone) == 4


def test_missing_pdf_names_the_file_and_the_fix(out, smtp_server):
    server = smtp_server()
    (out / "summary_ru.pdf").unlink()
    with pytest.raises(DataError) as caught:
        send_summaries(out, make_settings(server.port), reporter=Reporter(-1))
    assert caught.value.location.file == str(out / "summary_ru.pdf")
    assert "summary_ru.pdf" in caught.value.message
    assert "reportgen build" in caught.value.hint
    assert server.envelopes == []  # nothing is sent when any language cannot be


def test_missing_context_and_wrong_period_are_refused(tmp_path, out):
    with pytest.raises(DataError):
        send_summaries(tmp_path, make_settings(free_port()), reporter=Reporter(-1))
    with pytest.raises(UserError, match="2026-Q2"):
        send_summaries(out, make_settings(free_port()), period="2026-Q2", reporter=Reporter(-1))


# --- header injection -----------------------------------------------------------------------------------


@pytest.mark.parametrize("bad", [
    "jean@bank.example\r\nBcc: evil@x.org",
    "jean@bank.example\nBcc: evil@x.org",
    "Ivanov, evil@x.org",
    "Ivanov, evil@x.org <ivanov@bank.example>",
    "ivanov@bank.example, evil@x.org",
    '"Ivanov <evil@x.org>" <ivanov@bank.example>',
    '"evil@x.org" <ivanov@bank.example>',
    "ivanov@bank.example <evil@x.org>",
    "<evil@x.org> <ivanov@bank.example>",
    "ivanov@localhost",
    "ivanov @bank.example",
    "iva\u2028nov@bank.example",
])
def test_smuggled_recipients_are_refused_before_anything_is_sent(out, smtp_server, bad):
    server = smtp_server()
    recipients = {"en": ["boss@bank.example"], "fr": [bad]}
    with pytest.raises(ConfigError) as caught:
        send_summaries(out, make_settings(server.port, recipients=recipients), reporter=Reporter(-1))
    assert "nothing was sent" in caught.value.message
    assert caught.value.problems
    assert server.envelopes == []
    with pytest.raises(ConfigError):
        send_summaries(out, make_settings(server.port), to=[bad], dry_run=True, reporter=Reporter(-1))
    assert not (out / "outbox").exists()


def test_line_breaks_in_sender_or_organisation_are_refused(out, smtp_server):
    server = smtp_server()
    with pytest.raises(ConfigError, match="nothing was sent"):
        send_summaries(out, make_settings(server.port, sender="Analytics <a@bank.example>\r\nBcc: evil@x.org"),
                       reporter=Reporter(-1))
    context = context_of(out)
    context["meta"]["organisation"] = "Demo Bank\r\nBcc: evil@x.org"
    (out / "context.json").write_text(json.dumps(context), encoding="utf-8")
    with pytest.raises(ConfigError) as caught:
        send_summaries(out, make_settings(server.port), reporter=Reporter(-1))
    assert any("[report] organisation" in p for p in caught.value.problems)
    assert server.envelopes == []


@pytest.mark.parametrize("text, name, spec", [
    ("jean@bank.example", "", "jean@bank.example"),
    ("Jean Dupont <jean@bank.example>", "Jean Dupont", "jean@bank.example"),
    ('"Ivanov, Ivan" <ivanov@bank.example>', "Ivanov, Ivan", "ivanov@bank.example"),
    ("Иван <ivan@Пример.РФ>", "Иван", "ivan@xn--e1afmkfd.xn--p1ai"),
    ("  first.last+tag@Bank.Example  ", "", "first.last+tag@bank.example"),
])
def test_an_address_parses_into_exactly_one(text, name, spec):
    address = parse_address(text, "test")
    assert (address.display_name, address.addr_spec) == (name, spec)


@pytest.mark.parametrize("text", ["", "no-at-sign", "a@@b.org", "a@b", "a@-b.org", "a..b@c.org", "a b@c.org",
                                  "a@b.org>", "Name <a@b.org", 'x"y@b.org'])
def test_a_malformed_address_is_refused(text):
    with pytest.raises(AddressProblem):
        parse_address(text, "test")


# --- dry run --------------------------------------------------------------------------------------------


def test_dry_run_writes_eml_files_that_parse_back_and_sends_nothing(out, monkeypatch):
    monkeypatch.delenv("REPORTGEN_SMTP_PASSWORD", raising=False)
    # no server, no password: a dry run needs neither
    settings = make_settings(host="", security="starttls", user="reports@bank.example")
    result = send_summaries(out, settings, dry_run=True, reporter=Reporter(-1))
    assert (result["written"], result["sent"]) == (4, 0)
    outbox = out / "outbox"
    assert sorted(p.name for p in outbox.iterdir()) == [
        "en_boss_at_bank.example.eml", "fr_jean_at_bank.example.eml", "fr_marie_at_bank.example.eml",
        "ru_ivanov_at_bank.example.eml"]
    msg = message_from_bytes((outbox / "ru_ivanov_at_bank.example.eml").read_bytes(), policy=policy.default)
    assert [a.addr_spec for a in msg["To"].addresses] == ["ivanov@bank.example"]
    assert msg["Message-ID"] and msg["Date"] and msg["Subject"]
    assert msg.get_body(("plain",)) is not None and msg.get_body(("html",)) is not None
    (attachment,) = list(msg.iter_attachments())
    assert attachment.get_content() == (out / "summary_ru.pdf").read_bytes()
    assert not (out / "send_log.json").exists()  # nothing was delivered


# --- TLS ------------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def tls(tmp_path_factory):
    """Return (server SSL context, path of the CA's PEM) for a self-signed test CA issuing for 127.0.0.1."""
    trustme = pytest.importorskip("trustme")
    ca = trustme.CA()
    cert = ca.issue_cert("127.0.0.1", "localhost")
    server_context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    cert.configure_cert(server_context)
    cafile = tmp_path_factory.mktemp("ca") / "ca.pem"
    ca.cert_pem.write_to_path(str(cafile))
    return server_context, cafile


def test_starttls_verifies_the_certificate_and_logs_in_over_it(out, smtp_server, tls, monkeypatch):
    server_context, cafile = tls
    server = smtp_server(tls_context=server_context, require_starttls=True,
                         authenticator=refuse_unless_good_password)
    monkeypatch.setenv("REPORTGEN_SMTP_PASSWORD", GOOD_PASSWORD)
    recipients = {"fr": ["jean@bank.example"]}
    with pytest.raises(DeliveryError) as caught:  # the system's CAs do not know the test CA
        send_summaries(out, make_settings(server.port, recipients, security="starttls",
                                          user="reports@bank.example"), reporter=Reporter(-1))
    assert "certificate" in caught.value.message and "cafile" in caught.value.hint
    assert server.envelopes == []

    result = send_summaries(out, make_settings(server.port, recipients, security="starttls",
                                               user="reports@bank.example", cafile=str(cafile)),
                            reporter=Reporter(-1))
    assert result["sent"] == 1 and server.recipients() == ["jean@bank.example"]


def test_implicit_tls_with_the_test_ca(out, smtp_server, tls):
    server_context, cafile = tls
    server = smtp_server(ssl_context=server_context)
    settings = make_settings(server.port, {"en": ["boss@bank.example"]}, security="tls", cafile=str(cafile))
    assert send_summaries(out, settings, reporter=Reporter(-1))["sent"] == 1


def test_starttls_missing_on_the_server_is_refused_not_skipped(out, smtp_server):
    server = smtp_server()  # no TLS at all
    with pytest.raises(DeliveryError, match="STARTTLS"):
        send_summaries(out, make_settings(server.port, {"en": ["boss@bank.example"]}, security="starttls"),
                       reporter=Reporter(-1))
    assert server.envelopes == []


# --- the send log ---------------------------------------------------------------------------------------


def test_a_damaged_send_log_stops_the_run_instead_of_sending_to_everyone_again(out, smtp_server):
    server = smtp_server()
    (out / "send_log.json").write_text("{not json", encoding="utf-8")
    with pytest.raises(DataError) as caught:
        send_summaries(out, make_settings(server.port), reporter=Reporter(-1))
    assert caught.value.location.file == str(out / "send_log.json")
    assert server.envelopes == []


def test_a_send_log_that_cannot_be_written_stops_after_the_message_it_missed(out, smtp_server, monkeypatch):
    from reportgen.deliver.sendlog import SendLog

    def full_disk(self, key, **entry):
        raise OSError(28, "No space left on device")

    server = smtp_server()
    monkeypatch.setattr(SendLog, "record", full_disk)
    with pytest.raises(DeliveryError) as caught:
        send_summaries(out, make_settings(server.port), reporter=Reporter(-1))
    assert "No space left on device" in caught.value.message
    assert len(server.envelopes) == 1  # no further message goes out unrecorded
    assert caught.value.result["sent"] == 1


# --- the command line -------------------------------------------------------------------------------------


def write_config(folder: Path, port: int) -> Path:
    """Write a reportgen.toml for the local server with one recipient per language."""
    path = folder / "reportgen.toml"
    path.write_text(
        "[report]\nlanguages = ['fr', 'ru']\nformats = ['pdf']\n"
        f"[email]\nhost = '127.0.0.1'\nport = {port}\nsecurity = 'none'\nsender = '{SENDER}'\ntimeout = 5.0\n"
        "[email.recipients]\nfr = ['directeur@banque.example']\nru = ['direktor@bank.example']\n",
        encoding="utf-8")
    return path


def test_send_command_and_build_with_send(run_cli, tmp_path, smtp_server):
    server = smtp_server()
    config = write_config(tmp_path, server.port)
    folder = tmp_path / "out"
    built = run_cli("build", "--config", config, "--out", folder, "--period", PERIOD, "--send")
    assert built.code == 0, built.err
    assert sorted(server.recipients()) == ["directeur@banque.example", "direktor@bank.example"]
    again = run_cli("send", "--config", config, "--out", folder, "--period", PERIOD)
    assert again.code == 0, again.err
    assert len(server.envelopes) == 2  # the send log kept the second run from sending twice
    dry = run_cli("send", "--config", config, "--out", folder, "--to", "test@bank.example", "--dry-run",
                  "--lang", "ru")
    assert dry.code == 0 and (folder / "outbox").is_dir()
    bad = run_cli("send", "--config", config, "--out", folder, "--to", "Ivanov, evil@x.org")
    assert bad.code == 2 and "Traceback" not in bad.err and "--to" in bad.err
    (tmp_path / "other").mkdir()
    unreachable = write_config(tmp_path / "other", free_port())
    down = run_cli("send", "--config", unreachable, "--out", folder, "--to", "new@bank.example")
    assert down.code == 3 and "Traceback" not in down.err


def test_smtp_settings_from_the_environment_override_the_file(tmp_path, smtp_server, monkeypatch, run_cli, out):
    server = smtp_server()
    config = tmp_path / "reportgen.toml"
    config.write_text(f"[email]\nhost = 'smtp.example.org'\nport = 587\nsender = '{SENDER}'\n", encoding="utf-8")
    monkeypatch.setenv("REPORTGEN_SMTP_HOST", "127.0.0.1")
    monkeypatch.setenv("REPORTGEN_SMTP_PORT", str(server.port))
    monkeypatch.setenv("REPORTGEN_SMTP_SECURITY", "none")
    result = run_cli("send", "--config", config, "--out", out, "--to", "env@bank.example", "--lang", "fr")
    assert result.code == 0, result.err
    assert server.recipients() == ["env@bank.example"]
    monkeypatch.setenv("REPORTGEN_SMTP_PORT", "twenty-five")
    bad = run_cli("send", "--config", config, "--out", out, "--to", "env@bank.example", "--lang", "fr")
    assert bad.code == 2 and "REPORTGEN_SMTP_PORT" in bad.err
