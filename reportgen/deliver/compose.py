"""One e-mail per recipient and language: localised subject, plain-text and HTML bodies, the PDF attached.

The bodies are Jinja2 templates (templates/email/body.txt and body.html; a folder given as report.templates
comes first), rendered in the same kind of environment as the PDF: sandboxed, HTML autoescaped, strict,
translated into the report language. Every figure is formatted here, through the Wording's Babel formatter.
"""

from __future__ import annotations

import re
from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import formatdate, make_msgid
from pathlib import Path

import jinja2
from jinja2.sandbox import ImmutableSandboxedEnvironment

from reportgen.deliver.addresses import check_header
from reportgen.errors import TemplateError
from reportgen.i18n.ui import _
from reportgen.render.templating import template_environment
from reportgen.render.wording import Wording

TEXT_TEMPLATE = "email/body.txt"
HTML_TEMPLATE = "email/body.html"


def environment(wording: Wording, user_dir: Path | None) -> ImmutableSandboxedEnvironment:
    """Return the Jinja2 environment of the bodies: the shared safe one, laid out for plain text too."""
    return template_environment(wording, user_dir, trim_blocks=True, lstrip_blocks=True, keep_trailing_newline=True)


def attachment_name(period: str, lang: str, kind: str = "customers") -> str:
    """Return the PDF's file name in the message: 'churn_summary_2026-Q3_fr.pdf', 'segmentation_summary_...'
    for a behaviour segmentation (ASCII letters, digits, '_-.')."""
    safe = re.sub(r"[^A-Za-z0-9-]+", "_", f"{period}_{lang}").strip("_") or lang
    return f"{'segmentation' if kind == 'behaviour' else 'churn'}_summary_{safe}.pdf"


def subject(context: dict, w: Wording) -> str:
    """Return the subject in the report language: 'Churn report Q3 2026: churn 18.6% — Bank'.

    Raise AddressProblem when the organisation name or a translation would put a line break into the header.
    """
    meta = context["meta"]
    if meta["kind"] == "behaviour":  # a segmentation has no churn rate to headline: its clusters instead
        groups = context["clusters"]["groups"]
        text = w._("Client segmentation {period}: {clusters}").format(
            period=w.fmt.period(meta["period"]),
            clusters=w.fmt.quantity(len(groups), "{n} cluster of clients", "{n} clusters of clients"))
    else:
        text = w._("Client churn {period}: {rate}").format(
            period=w.fmt.period(meta["period"]), rate=w.fmt.percent(context["overview"]["churn_rate"]))
    organisation = meta.get("organisation") or ""
    if organisation:
        check_header(organisation, "[report] organisation")
        text = w._("{subject} — {organisation}").format(subject=text, organisation=organisation.strip())
    return check_header(text, _("The subject in {lang}").format(lang=w.lang))


def view(context: dict, w: Wording, subject_text: str, attachment: str) -> dict:
    """Return what the body templates show, every figure already formatted for the language."""
    # the same opening as the PDF's, so both read alike and share their translations
    return {
        **w.headline_view(),
        "subject": subject_text,
        "attachment": attachment,
    }


class Composer:
    """The messages of one language: subject, bodies and attachment made once, headers per recipient."""

    def __init__(self, context: dict, lang: str, pdf: bytes, user_dir: Path | None = None) -> None:
        self.lang = lang
        self.pdf = pdf
        w = Wording(context, lang)
        self.subject = subject(context, w)
        self.attachment = attachment_name(context["meta"]["period"], lang, context["meta"]["kind"])
        env = environment(w, user_dir)
        values = view(context, w, self.subject, self.attachment)
        self.text = _render(env, TEXT_TEMPLATE, values)
        self.html = _render(env, HTML_TEMPLATE, values)

    def message(self, sender: Address, recipient: Address, reply_to: Address | None = None) -> EmailMessage:
        """Return the message to one recipient: multipart/alternative text and HTML, then the PDF."""
        msg = EmailMessage()
        msg["Subject"] = self.subject
        msg["From"] = sender
        msg["To"] = recipient
        if reply_to is not None:
            msg["Reply-To"] = reply_to
        msg["Date"] = formatdate(localtime=True)
        # the sender's domain: make_msgid() without one asks DNS for this machine's name, which can hang
        msg["Message-ID"] = make_msgid(idstring="reportgen", domain=sender.domain)
        msg["Auto-Submitted"] = "auto-generated"  # RFC 3834: no vacation replies to a report robot
        msg.set_content(self.text)
        msg.add_alternative(self.html, subtype="html")
        msg.add_attachment(self.pdf, maintype="application", subtype="pdf", filename=self.attachment)
        msg["Content-Language"] = self.lang  # after the body: set_content() drops every Content-* header
        return msg


def _render(env: ImmutableSandboxedEnvironment, name: str, values: dict) -> str:
    """Return the template `name` rendered; raise TemplateError naming the fault."""
    try:
        template = env.get_template(name)
    except jinja2.TemplateNotFound:
        raise TemplateError(_("The e-mail template {name} was not found.").format(name=name),
                            problems=[_("searched: {folder}").format(folder=f) for f in env.globals["folders"]],
                            hint=_("Put {name} in the folder given to --templates, or leave it out.").format(name=name))
    try:
        return template.render(**values)
    except jinja2.UndefinedError as exc:
        raise TemplateError(_("The e-mail template {name} uses something the report does not have: {error}").format(
            name=name, error=exc), hint=_("Check the variable names against the bundled templates/email/{file}.").format(
                file=Path(name).name))
    except jinja2.exceptions.SecurityError as exc:
        raise TemplateError(_("The e-mail template {name} tried an operation that is not allowed: {error}").format(
            name=name, error=exc), hint=_("Templates may only read the report's data, not call into Python."))
    except (jinja2.TemplateError, ValueError, TypeError, KeyError) as exc:
        raise TemplateError(_("The e-mail template {name} cannot be rendered: {error}").format(name=name, error=exc),
                            hint=_("Fix the template line named above ('%' in a translated text is written '%%')."))
