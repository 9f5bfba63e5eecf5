"""The send log: which summary went to whom, so a repeated run never e-mails the same PDF twice.

A message is identified by period, language, recipient and the SHA-256 of the PDF it carries: a rebuilt
(different) PDF is sent again, a repeated run is not. The log is rewritten atomically after each message.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from pathlib import Path

from reportgen.atomic import write_text
from reportgen.errors import DataError, Location
from reportgen.i18n.ui import _

LOG_NAME = "send_log.json"
LOG_VERSION = 1


def pdf_digest(data: bytes) -> str:
    """Return the SHA-256 of a PDF's bytes, in hex."""
    return hashlib.sha256(data).hexdigest()


def log_key(period: str, lang: str, recipient: str, digest: str) -> str:
    """Return the key of one message in the log: period, language, recipient and PDF hash."""
    return f"{period}|{lang}|{recipient}|{digest}"


class SendLog:
    """The messages already delivered from one output folder; `record` saves after every message."""

    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        self.entries: dict[str, dict] = self._read()

    def _read(self) -> dict[str, dict]:
        """Return the entries of the log file (none if it does not exist); raise DataError if it is damaged."""
        try:
            raw = json.loads(self.path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            return {}
        except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
            raise self._damaged(str(exc))
        if not isinstance(raw, dict) or not isinstance(raw.get("sent"), dict):
            raise self._damaged(_("no 'sent' table"))
        return raw["sent"]

    def _damaged(self, reason: str) -> DataError:
        """Return the error for a log that cannot be read (sending blindly could e-mail everyone twice)."""
        return DataError(
            _("The send log cannot be read ({reason}), so reportgen cannot tell who already has the summary.").format(
                reason=reason),
            hint=_("Repair the file, or delete it to send to every recipient again."),
            location=Location(file=str(self.path)))

    def __contains__(self, key: str) -> bool:
        return key in self.entries

    def record(self, key: str, **entry) -> None:
        """Add a delivered message and rewrite the log atomically."""
        entry["sent_at"] = dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds")
        self.entries[key] = entry
        text = json.dumps({"version": LOG_VERSION, "sent": self.entries}, ensure_ascii=False, indent=1)
        write_text(self.path, text + "\n")
