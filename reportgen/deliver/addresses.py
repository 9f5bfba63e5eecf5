"""E-mail addresses and header values checked before any message is built: one address per entry, no line breaks.

`EmailMessage` refuses CR/LF in headers by itself, but a display name such as `Ivanov, evil@x.org` pasted into
`To` would add a recipient. Every address is therefore parsed here into exactly one
`email.headerregistry.Address` (or refused), and the SMTP envelope is given the explicit list of addr-specs.
"""

from __future__ import annotations

import re
from email.headerregistry import Address

from reportgen.i18n.ui import _

# line breaks of every kind (str.splitlines() breaks on \x85, \u2028, \u2029 too) and other control characters
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]")
# characters that end or split an addr-spec in a header: white space, list separators, brackets, quotes
_LOCAL_ALLOWED = re.compile(r"[A-Za-z0-9!#$%&'*+/=?^_`{|}~.-]+")
_LABEL = re.compile(r"[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?")
# characters a display name may not hold unquoted: they separate or start addresses in a header
_NAME_SPECIALS = set(',;:"\\<>@[]()')


class AddressProblem(ValueError):
    """An address or header value that cannot be used; the message says why, in the UI language."""


def check_header(value: str, what: str) -> str:
    """Return `value` when it can go into a header; raise AddressProblem if it holds a line break or control."""
    if _CONTROL.search(value):
        raise AddressProblem(_("{what} contains a line break or a control character: {value!r}").format(
            what=what, value=value))
    return value


def parse_address(text: str, what: str) -> Address:
    """Return the one address in `text` ('a@b.org' or 'Name <a@b.org>'); raise AddressProblem otherwise.

    A display name holding '@' or an unquoted ',' / ';' is refused rather than guessed at: it is how a second
    recipient is smuggled into a header.
    """
    if not isinstance(text, str):
        raise AddressProblem(_("{what}: {value!r} is not text").format(what=what, value=text))
    check_header(text, what)
    text = text.strip()
    if not text:
        raise AddressProblem(_("{what} is empty").format(what=what))
    match = re.fullmatch(r"(?P<name>[^<>]*?)\s*<(?P<spec>[^<>]*)>", text)
    if match:
        name, spec = _display_name(match["name"].strip(), text, what), match["spec"].strip()
    elif "<" in text or ">" in text:
        raise AddressProblem(_("{what}: {value!r} is not one address of the form 'Name <user@domain.org>'").format(
            what=what, value=text))
    else:
        name, spec = "", text
    if "," in spec or ";" in spec:
        raise AddressProblem(_("{what}: {value!r} holds more than one address, or a name with a comma; give one address "
                               "per entry and quote such names: '\"Ivanov, Ivan\" <ivanov@bank.org>'").format(
                                   what=what, value=text))
    username, domain = _addr_spec(spec, text, what)
    return Address(display_name=name, username=username, domain=domain)


def _display_name(name: str, text: str, what: str) -> str:
    """Return the display name without its quotes; raise AddressProblem if it could hide an address."""
    quoted = len(name) >= 2 and name[0] == name[-1] == '"'
    inner = name[1:-1] if quoted else name
    bad = {ch for ch in inner if ch in _NAME_SPECIALS}
    if quoted:
        bad -= set(",;:()[]")  # allowed inside quotes ("Ivanov, Ivan"); '@', '<', '>', '"', '\' never are
    if bad:
        raise AddressProblem(
            _("{what}: the name in {value!r} contains {chars}; write it as '\"Ivanov, Ivan\" <ivanov@bank.org>' "
              "without '@', or give the address alone").format(what=what, value=text,
                                                               chars=" ".join(sorted(bad))))
    return inner.strip()


def _addr_spec(spec: str, text: str, what: str) -> tuple[str, str]:
    """Return (user, ASCII domain) of an addr-spec; raise AddressProblem unless it is one plain address."""
    def refuse(reason: str) -> AddressProblem:
        return AddressProblem(_("{what}: {value!r} is not a valid address ({reason})").format(
            what=what, value=text, reason=reason))

    if spec.count("@") != 1:
        raise refuse(_("it needs exactly one '@'"))
    user, domain = spec.split("@")
    if not user or not _LOCAL_ALLOWED.fullmatch(user) or user.startswith(".") or user.endswith(".") or ".." in user:
        raise refuse(_("the part before '@' may hold only letters, digits, dots and !#$%&'*+/=?^_`{|}~- ; "
                       "no spaces, commas or brackets"))
    try:
        ascii_domain = domain.encode("idna").decode("ascii") if not domain.isascii() else domain
    except UnicodeError:
        raise refuse(_("the domain cannot be written in ASCII"))
    labels = ascii_domain.rstrip(".").split(".")
    if len(labels) < 2 or not all(_LABEL.fullmatch(label) for label in labels):
        raise refuse(_("the domain needs a dot and only letters, digits and '-'"))
    return user, ".".join(labels).lower()


def key_of(address: Address) -> str:
    """Return the address as it identifies a recipient in the send log (domain lower-cased)."""
    return address.addr_spec


def safe_name(address: Address) -> str:
    """Return the address as a file-name part: 'ivanov_at_bank.org' (letters, digits, '.', '_', '-' only)."""
    text = address.addr_spec.lower().replace("@", "_at_")
    return re.sub(r"[^a-z0-9._-]+", "_", text).strip("._")[:100] or "recipient"
