# SPDX-License-Identifier: Apache-2.0
"""Debian's Kannel on loopback, run from docs/gateways/kannel.conf: bearerbox, smsbox, and fakesmsc as
the operator's SMSC, which is also the voter's handset: it sends the voter's SMS and prints what the
phone receives (`Got message N: <from to text|ucs-2|udh UDH data DATA>`)."""
import re
import secrets
import shutil
import time
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote_from_bytes, unquote_to_bytes

from tests.integration.harness import DOCS, Child, LogFile, free_port, port_open, wait_for

CONFIG = DOCS / "gateways" / "kannel.conf"
FAKESMSC = Path("/usr/lib/kannel/test/fakesmsc")
SHORT_NUMBER = "119"


def require_kannel() -> None:
    missing = [name for name in ("bearerbox", "smsbox") if shutil.which(name) is None]
    if missing or not FAKESMSC.exists():
        raise AssertionError("Debian's Kannel is missing (bearerbox, smsbox, fakesmsc): run scripts/ensure-kannel "
                             "(apt-get install kannel kannel-extras); `make test` does it")


@dataclass(frozen=True)
class Part:
    """One SMS as the handset got it."""

    kind: str
    """fakesmsc's type: `text` (7-bit, printed as text), `ucs-2` (UTF-16BE) or `udh` (a part with a header)."""
    udh: bytes
    data: bytes


@dataclass(frozen=True)
class Received:
    """What the phone shows, with how it came: the parts, their coding (from bearerbox's access log)."""

    parts: list[Part]
    coding: int
    """Kannel's coding of the message sent: 0 7-bit GSM, 2 UCS-2."""

    @property
    def text(self) -> str:
        if self.coding == 2:
            return b"".join(part.data for part in self._ordered()).decode("utf-16-be")
        return b"".join(part.data for part in self._ordered()).decode("utf-8")

    def _ordered(self) -> list[Part]:
        return sorted(self.parts, key=lambda part: part.udh[5] if len(part.udh) >= 6 else 0)


def _url_decoded(payload: str) -> bytes:
    """fakesmsc's encoding of binary data: %XX, and "+" for the octet 0x20."""
    return unquote_to_bytes(payload.replace("+", " "))


_GOT = re.compile(r"Got message \d+: <(\S+) (\S+) (.*)>$", re.M)


def parse_part(line: str) -> tuple[str, str, Part]:
    sender, receiver, rest = _GOT.match(line).groups()  # type: ignore[union-attr]
    kind, _, payload = rest.partition(" ")
    if kind == "text":
        return sender, receiver, Part("text", b"", payload.encode("utf-8"))
    if kind == "ucs-2":
        return sender, receiver, Part("ucs-2", b"", _url_decoded(payload))
    if kind == "udh":
        udh, _, data = payload.partition(" ")
        data = data.removeprefix("data ")
        return sender, receiver, Part("udh", _url_decoded(udh), _url_decoded(data))
    if kind == "data":
        return sender, receiver, Part("data", b"", _url_decoded(payload))
    raise AssertionError(f"fakesmsc printed an unknown message type: {line!r}")


class Kannel:
    """bearerbox and smsbox from docs/gateways/kannel.conf, answering to Shailoo at `shailoo_url`."""

    def __init__(self, *, shailoo_url: str, secret: str, work_dir: Path, smsbox_log_level: int = 0) -> None:
        require_kannel()
        self.work_dir = work_dir
        self.ports = {name: free_port() for name in ("admin_port", "smsbox_port", "fakesmsc_port", "sendsms_port")}
        self.sendsms_password = secrets.token_hex(8)
        config = CONFIG.read_text().format(
            **self.ports, admin_password=secrets.token_hex(8), log_dir=work_dir, shailoo_url=shailoo_url,
            secret=secret, sendsms_password=self.sendsms_password, smsbox_log_level=smsbox_log_level,
        )
        self.config = work_dir / "kannel.conf"
        self.config.write_text(config)
        self.access_log = LogFile(work_dir / "access.log")
        self.smsbox_log = LogFile(work_dir / "smsbox.log")
        self.children: list[Child] = []

    @property
    def sendsms_url(self) -> str:
        return f"http://127.0.0.1:{self.ports['sendsms_port']}"

    def start(self) -> "Kannel":
        self.children.append(Child("bearerbox", ["bearerbox", str(self.config)], log_dir=self.work_dir))
        wait_for(lambda: port_open(self.ports["smsbox_port"]) and port_open(self.ports["fakesmsc_port"]),
                 timeout=15, what="bearerbox to listen")
        self.children.append(Child("smsbox", ["smsbox", str(self.config)], log_dir=self.work_dir))
        wait_for(lambda: port_open(self.ports["sendsms_port"]), timeout=15, what="smsbox to listen")
        return self

    def stop(self) -> None:
        for child in reversed(self.children):
            child.stop()

    def handset(self, *messages: str) -> "Handset":
        """fakesmsc connected as the SMSC, sending `messages` (fakesmsc's "from to type text" lines)."""
        return Handset(self, messages)

    def coding_sent_to(self, number: str, *, since: int) -> int:
        """The coding of the last SMS bearerbox sent to `number` (its access log's flags)."""
        lines = self.access_log.wait(rf"Sent SMS .*\[to:{re.escape(number)}\] \[flags:-?\d+:(-?\d+):", since=since)
        return int(lines[-1].group(1))


class Handset:
    """One fakesmsc connection: the voter's messages go out, what the phone receives is collected."""

    def __init__(self, kannel: Kannel, messages: tuple[str, ...]) -> None:
        self.kannel = kannel
        argv = [str(FAKESMSC), "-H", "127.0.0.1", "-r", str(kannel.ports["fakesmsc_port"]), "-i", "0.05",
                "-m", str(len(messages)), *(messages or ["0 0 text (fakesmsc needs a message even to send none)"])]
        self.child = Child(f"fakesmsc-{time.monotonic_ns()}", argv, log_dir=kannel.work_dir)

    def __enter__(self) -> "Handset":
        return self

    def __exit__(self, *exc) -> None:
        self.child.stop()

    def parts(self) -> list[Part]:
        return [parse_part(match.group(0))[2] for match in _GOT.finditer(self.child.output.since())]

    def receive(self, *, timeout: float = 15) -> list[Part]:
        """Wait for one whole message: a single part, or every part its concatenation header announces."""

        def whole() -> list[Part] | None:
            parts = self.parts()
            if not parts:
                return None
            total = parts[0].udh[4] if len(parts[0].udh) >= 6 else 1
            return parts if len(parts) >= total else None

        return wait_for(whole, timeout=timeout, what="the handset to receive a whole SMS")  # type: ignore[return-value]


def mo_line(sender: str, text: str) -> str:
    """fakesmsc's line for a voter's SMS: 7-bit text when it is ASCII, else UCS-2 like a phone sends Cyrillic."""
    if text.isascii():
        return f"{sender} {SHORT_NUMBER} text {text}"
    return f"{sender} {SHORT_NUMBER} ucs2 {quote_from_bytes(text.encode('utf-16-be'), safe='')}"


def smsbox_answers(kannel: Kannel, since: int, *, count: int = 1, timeout: float = 15) -> list[str]:
    """The status lines of Shailoo's answers to smsbox's requests (its debug log) after `since`."""
    return [match.group(1) for match in kannel.smsbox_log.wait(r"HTTP: Status line: <HTTP/1\.[01] (\d{3})",
                                                                 since=since, count=count, timeout=timeout)]
