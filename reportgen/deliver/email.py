"""`reportgen send`: e-mail each language's PDF summary to its recipients, once.

Everything is checked and every message built before the first one is sent (addresses, settings, PDFs,
templates), so a mistake refuses the whole run instead of serving half the list. Each delivered message is
written to the send log at once, so a run that fails half-way can simply be repeated.
"""

from __future__ import annotations

from dataclasses import dataclass
from email.headerregistry import Address
from email.message import EmailMessage
from pathlib import Path

from reportgen.atomic import write_bytes
from reportgen.config import Settings
from reportgen.console import Reporter
from reportgen.context import load_context
from reportgen.deliver.addresses import AddressProblem, key_of, parse_address, safe_name
from reportgen.deliver.compose import Composer
from reportgen.deliver.sendlog import LOG_NAME, SendLog, log_key, pdf_digest
from reportgen.deliver.smtp import Mailer, MessageRefused, transport_problems
from reportgen.errors import ConfigError, DataError, DeliveryError, Location, UserError
from reportgen.i18n.catalogs import check_language
from reportgen.i18n.ui import _, ngettext

OUTBOX = "outbox"


class PartialDeliveryError(DeliveryError):
    """Some messages were refused (e.g. one recipient) while the others went out; lists each failure (exit 3)."""


@dataclass
class Outgoing:
    """One message to one recipient in one language, with its send-log key."""

    lang: str
    recipient: Address
    message: EmailMessage
    key: str
    digest: str
    status: str = "pending"
    path: Path | None = None
    error: str | None = None

    def as_dict(self) -> dict:
        """Return the message's outcome as plain data for the caller."""
        return {"lang": self.lang, "to": self.recipient.addr_spec, "subject": str(self.message["Subject"]),
                "message_id": str(self.message["Message-ID"]), "status": self.status, "path": self.path,
                "error": self.error}


def send_summaries(out_dir: Path, settings: Settings, languages: list[str] | None = None,
                   to: list[str] | None = None, dry_run: bool = False, reporter: Reporter | None = None,
                   *, period: str | None = None) -> dict:
    """E-mail the PDF summaries of the build in `out_dir`, one message per recipient and language; return counts.

    `languages`: the languages to send (None: those with recipients in [email.recipients], or with `to` the
    configured report languages). `to`: addresses that replace the configured recipients for every language.
    `dry_run`: write each message to <out_dir>/outbox/<lang>_<recipient>.eml instead of sending it.
    `period`: when given, the build in `out_dir` must be of that period.

    Return {"sent", "skipped", "failed", "written", "dry_run", "messages", "outbox", "log"}. Raise ConfigError or
    UserError for unusable settings or addresses and DataError for a missing context or PDF (nothing sent);
    DeliveryError when the server cannot be used (what was sent before stays logged), PartialDeliveryError
    (a DeliveryError) when some messages were refused and the others delivered. Errors raised after sending
    began carry the same dict as `.result`.
    """
    reporter = reporter or Reporter(-1)
    out_dir = Path(out_dir)
    context = load_context(out_dir / "context.json")
    build_period = context["meta"]["period"]
    if period and period != build_period:
        raise UserError(
            _("The build in {folder} is of period {found}, not {wanted}.").format(
                folder=out_dir, found=build_period, wanted=period),
            hint=_("Give the output folder of that period, or build it first with `reportgen build --period {period}`."
                   ).format(period=period))
    email = settings.email
    langs = _languages(languages, to, settings)

    problems: list[str] = []
    sender, reply_to, recipients = _addresses(settings, langs, to, problems)
    password = None
    if not dry_run:
        transport, password = transport_problems(email)
        problems += transport
    if problems:
        raise ConfigError(_("The e-mail settings or addresses cannot be used; nothing was sent:"), problems=problems,
                          hint=_("Fix every line above in [email] of the config or on the command line (--to); "
                                 "`reportgen config` explains each setting."))
    for lang in langs:
        if not recipients[lang]:
            reporter.warn(_("{lang}: no recipients in [email.recipients], nothing to send").format(lang=lang))
    langs = [lang for lang in langs if recipients[lang]]
    if not langs:
        raise UserError(_("There is nobody to send the summaries to."),
                        hint=_("List addresses per language under [email.recipients] (fr = ['a@bank.org']), or give "
                               "--to."))

    pdfs = _read_pdfs(out_dir, langs)
    outgoing = _compose(context, settings, langs, pdfs, sender, reply_to, recipients)
    log = SendLog(out_dir / LOG_NAME)
    if dry_run:
        _write_outbox(outgoing, log, out_dir / OUTBOX, reporter)
        return _finish(outgoing, out_dir, log, dry_run, reporter)

    mailer = Mailer(email, password)
    try:
        for item in outgoing:
            if _skip(item, log, reporter):
                continue
            try:
                mailer.send(item.message, sender.addr_spec, item.recipient.addr_spec)
            except MessageRefused as exc:
                item.status, item.error = "failed", exc.reason
                reporter.warn(_("{lang}: {address} refused by the server: {reason}").format(
                    lang=item.lang, address=item.recipient.addr_spec, reason=exc.reason))
                continue
            item.status = "sent"
            try:
                log.record(item.key, period=build_period, lang=item.lang, to=item.recipient.addr_spec,
                           pdf_sha256=item.digest, message_id=str(item.message["Message-ID"]))
            except OSError as exc:  # stop here: any further message would go out unrecorded as well
                raise DeliveryError(
                    _("The message to {address} was sent, but the send log {file} could not be updated: {reason}"
                      ).format(address=item.recipient.addr_spec, file=log.path, reason=exc.strerror or exc),
                    hint=_("Free space or fix the folder's permissions, then run again; {address} would get this "
                           "summary a second time.").format(address=item.recipient.addr_spec)) from None
            reporter.info(_("{lang}: sent to {address}").format(lang=item.lang, address=item.recipient.addr_spec))
    except DeliveryError as exc:
        for item in outgoing:
            if item.status == "pending":
                item.status, item.error = "failed", exc.message
        exc.result = _finish(outgoing, out_dir, log, dry_run, reporter)
        raise
    finally:
        mailer.close()
    result = _finish(outgoing, out_dir, log, dry_run, reporter)
    failed = [item for item in outgoing if item.status == "failed"]
    if failed:
        error = PartialDeliveryError(
            ngettext("{n} of {total} messages could not be delivered.",
                     "{n} of {total} messages could not be delivered.", len(failed)).format(
                n=len(failed), total=len(outgoing)),
            problems=[_("{lang} → {address}: {reason}").format(lang=i.lang, address=i.recipient.addr_spec,
                                                               reason=i.error) for i in failed],
            hint=_("Correct or remove the addresses above and run the same command again: those already served are "
                   "skipped."))
        error.result = result
        raise error
    return result


def _languages(languages: list[str] | None, to: list[str] | None, settings: Settings) -> list[str]:
    """Return the languages to send: given, else the configured report languages (with --to) or those with
    recipients."""
    if languages:
        return list(dict.fromkeys(check_language(lang) for lang in languages))
    if to:
        return list(dict.fromkeys(settings.report.languages))
    configured = settings.email.recipients or {}
    order = list(dict.fromkeys([*settings.report.languages, *configured]))
    return [lang for lang in order if configured.get(lang)]


def _addresses(settings: Settings, langs: list[str], to: list[str] | None,
               problems: list[str]) -> tuple[Address | None, Address | None, dict[str, list[Address]]]:
    """Return (sender, reply-to, recipients per language), each parsed into exactly one address; collect problems."""
    email = settings.email

    def parse(text: str, what: str) -> Address | None:
        try:
            return parse_address(text, what)
        except AddressProblem as exc:
            problems.append(str(exc))
            return None

    sender = None
    if not email.sender.strip():
        problems.append(_("[email] sender is empty: give the From address, e.g. 'Analytics <analytics@bank.org>'"))
    else:
        sender = parse(email.sender, "[email] sender")
    reply_to = parse(email.reply_to, "[email] reply_to") if email.reply_to.strip() else None
    recipients: dict[str, list[Address]] = {}
    if to:
        given = [a for a in (parse(text, "--to") for text in to) if a is not None]
        for lang in langs:
            recipients[lang] = _unique(given)
    else:
        for lang in langs:
            entries = (email.recipients or {}).get(lang, [])
            parsed = [parse(text, f"[email.recipients] {lang}") for text in entries]
            recipients[lang] = _unique([a for a in parsed if a is not None])
    return sender, reply_to, recipients


def _unique(addresses: list[Address]) -> list[Address]:
    """Return the addresses without repeats (the same mailbox written twice gets one message)."""
    seen, out = set(), []
    for address in addresses:
        key = address.addr_spec.lower()
        if key not in seen:
            seen.add(key)
            out.append(address)
    return out


def _read_pdfs(out_dir: Path, langs: list[str]) -> dict[str, bytes]:
    """Return the bytes of summary_<lang>.pdf per language; raise DataError naming every missing or bad file."""
    pdfs, missing = {}, []
    for lang in langs:
        path = out_dir / f"summary_{lang}.pdf"
        try:
            data = path.read_bytes()
        except FileNotFoundError:
            missing.append(path)
            continue
        if not data.startswith(b"%PDF-"):
            raise DataError(_("{file} is not a PDF file.").format(file=path),
                            hint=_("Run `reportgen build --format pdf --lang {langs}` first to write it again.").format(
                                langs=lang), location=Location(file=str(path)))
        pdfs[lang] = data
    if missing:
        raise DataError(
            ngettext("The PDF summary {files} does not exist.", "The PDF summaries {files} do not exist.",
                     len(missing)).format(files=", ".join(str(p) for p in missing)),
            hint=_("Run `reportgen build --format pdf --lang {langs}` first, with the same --out or --period.").format(
                langs=",".join(p.stem.split("_", 1)[1] for p in missing)),
            location=Location(file=str(missing[0])))
    return pdfs


def _compose(context: dict, settings: Settings, langs: list[str], pdfs: dict[str, bytes], sender: Address,
             reply_to: Address | None, recipients: dict[str, list[Address]]) -> list[Outgoing]:
    """Return every message of the run, built before any is sent; raise ConfigError for a header that would
    break."""
    user_dir = settings.resolve(settings.report.templates) if settings.report.templates else None
    period = context["meta"]["period"]
    problems, outgoing = [], []
    for lang in langs:
        try:
            composer = Composer(context, lang, pdfs[lang], user_dir)
        except AddressProblem as exc:
            problems.append(str(exc))
            continue
        digest = pdf_digest(pdfs[lang])
        for recipient in recipients[lang]:
            outgoing.append(Outgoing(lang=lang, recipient=recipient, digest=digest,
                                     message=composer.message(sender, recipient, reply_to),
                                     key=log_key(period, lang, key_of(recipient), digest)))
    if problems:
        raise ConfigError(_("The messages cannot be built; nothing was sent:"), problems=sorted(set(problems)),
                          hint=_("Remove the line breaks from [report] organisation (or the translation) and build "
                                 "again."))
    return outgoing


def _skip(item: Outgoing, log: SendLog, reporter: Reporter) -> bool:
    """Return True (and say so) when this recipient already has this very PDF."""
    if item.key not in log:
        return False
    item.status = "skipped"
    reporter.info(_("{lang}: {address} already has this summary, skipped").format(
        lang=item.lang, address=item.recipient.addr_spec))
    return True


def _write_outbox(outgoing: list[Outgoing], log: SendLog, outbox: Path, reporter: Reporter) -> None:
    """Write each message not yet delivered to <outbox>/<lang>_<recipient>.eml (atomically)."""
    used: set[str] = set()
    for item in outgoing:
        if _skip(item, log, reporter):
            continue
        name = base = f"{item.lang}_{safe_name(item.recipient)}"
        n = 1
        while name in used:  # 'a+b@x.org' and 'a_b@x.org' share a file name
            n += 1
            name = f"{base}-{n}"
        used.add(name)
        path = write_bytes(outbox / f"{name}.eml", item.message.as_bytes(policy=item.message.policy.clone(
            linesep="\r\n")))
        item.status, item.path = "written", path
        reporter.info(_("{lang}: message to {address} written to {path}").format(
            lang=item.lang, address=item.recipient.addr_spec, path=path))


def _finish(outgoing: list[Outgoing], out_dir: Path, log: SendLog, dry_run: bool, reporter: Reporter) -> dict:
    """Print the summary line and return the counts, the outcome of each message and the paths."""
    counts = {status: sum(1 for i in outgoing if i.status == status) for status in ("sent", "skipped", "failed",
                                                                                    "written")}
    if dry_run:
        reporter.result(ngettext("Dry run: {n} message written to {folder}, {skipped} skipped (already sent).",
                                 "Dry run: {n} messages written to {folder}, {skipped} skipped (already sent).",
                                 counts["written"]).format(n=counts["written"], folder=out_dir / OUTBOX,
                                                           skipped=counts["skipped"]))
    else:
        reporter.result(ngettext("{n} message sent, {skipped} skipped (already sent), {failed} failed.",
                                 "{n} messages sent, {skipped} skipped (already sent), {failed} failed.",
                                 counts["sent"]).format(n=counts["sent"], skipped=counts["skipped"],
                                                        failed=counts["failed"]))
    return {**counts, "dry_run": dry_run, "messages": [i.as_dict() for i in outgoing],
            "outbox": out_dir / OUTBOX if dry_run else None, "log": log.path}
