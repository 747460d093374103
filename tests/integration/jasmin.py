# SPDX-License-Identifier: Apache-2.0
"""Jasmin from PyPI on loopback (in .venv-jasmin, made by scripts/ensure-jasmin: its pinned dependencies
clash with ours), run from docs/gateways/jasmin.cfg and configured through jCli with
docs/gateways/jasmin-119.jcli, with the machine's RabbitMQ (a virtual host of its own per run), a Redis of
its own, and Jasmin's own SMSC simulator as the operator: what it receives is what the phone gets."""
import hashlib
import json
import os
import secrets
import socket
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path

from tests.integration.harness import DOCS, Child, LogFile, free_port, port_open, wait_for

ROOT = Path(__file__).resolve().parents[2]
VENV = ROOT / ".venv-jasmin"
SIMULATOR_DIR = VENV / "share" / "jasmin-smsc-simulator"
CONFIG = DOCS / "gateways" / "jasmin.cfg"
JCLI_SCRIPT = DOCS / "gateways" / "jasmin-119.jcli"
SMSC = Path(__file__).with_name("jasmin_smsc.py")
SHORT_NUMBER = "119"
JCLI_ERRORS = ("Error", "Unknown", "Incorrect", "invalid", "Invalid", "must", "not found")


def require_jasmin() -> None:
    if not (VENV / "bin" / "jasmind.py").exists() or not (SIMULATOR_DIR / "smsc_simulator.py").exists():
        raise AssertionError("Jasmin is missing: run scripts/ensure-jasmin (it makes .venv-jasmin from PyPI); "
                             "`make test` does it")
    if subprocess.run(["rabbitmqctl", "--version"], capture_output=True, check=False).returncode != 0:
        raise AssertionError("rabbitmqctl is missing: the Jasmin tests need the machine's RabbitMQ")


def amqp_spec() -> Path:
    return next((VENV / "lib").glob("python3*/site-packages/txamqp/specs/standard/amqp0-9-1.stripped.xml"))


@dataclass(frozen=True)
class Submitted:
    """One submit_sm as the operator's SMSC received it."""

    destination: str
    source: str
    data_coding: int
    esm_class: int
    short_message: bytes
    message_id: str

    @property
    def udh(self) -> bytes:
        if self.esm_class & 0x40:  # UDHI: the user data starts with its header
            return self.short_message[: self.short_message[0] + 1]
        return b""

    @property
    def payload(self) -> bytes:
        return self.short_message[len(self.udh):]


def decode(parts: list[Submitted]) -> str:
    """The text a phone shows for these parts: concatenated in their header's order, in their coding."""
    ordered = sorted(parts, key=lambda part: part.udh[5] if len(part.udh) >= 6 else 0)
    data = b"".join(part.payload for part in ordered)
    codings = {part.data_coding for part in parts}
    assert len(codings) == 1, f"parts of one message in different codings: {codings}"
    coding = codings.pop()
    if coding == 8:
        return data.decode("utf-16-be")
    if coding == 3:
        return data.decode("latin-1")
    return gsm7_decode(data)


_GSM7 = ("@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞ\x1bÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?"
         "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà")
_GSM7_EXTENSION = {0x0A: "\f", 0x14: "^", 0x28: "{", 0x29: "}", 0x2F: "\\", 0x3C: "[", 0x3D: "~", 0x3E: "]",
                   0x40: "|", 0x65: "€"}


def gsm7_decode(septets: bytes) -> str:
    """GSM 03.38 default alphabet, one septet per octet (unpacked, as SMPP carries it)."""
    text, escape = [], False
    for septet in septets:
        if escape:
            text.append(_GSM7_EXTENSION.get(septet, "?"))
            escape = False
        elif septet == 0x1B:
            escape = True
        else:
            text.append(_GSM7[septet])
    return "".join(text)


class Operator:
    """Jasmin's SMSC simulator: send a voter's SMS (deliver_sm), read what Jasmin submitted."""

    def __init__(self, work_dir: Path) -> None:
        self.port = free_port()
        self.child = Child("smsc", [str(VENV / "bin" / "python"), str(SMSC), str(self.port), str(SIMULATOR_DIR)],
                           log_dir=work_dir, stdin=subprocess.PIPE)
        wait_for(lambda: port_open(self.port), timeout=15, what="the SMSC simulator to listen")

    def events(self, kind: str | None = None) -> list[dict]:
        events = [json.loads(line) for line in self.child.output.since().splitlines() if line.startswith("{")]
        return [event for event in events if kind is None or event["event"] == kind]

    def deliver(self, sender: str, text: str) -> None:
        """A voter's SMS to 119: GSM 7-bit when it is ASCII, else UCS-2, as a phone sends it."""
        coding, data = (0, text.encode("ascii")) if text.isascii() else (8, text.encode("utf-16-be"))
        self.deliver_raw(sender, coding, data)

    def deliver_raw(self, sender: str, coding: int, data: bytes) -> None:
        before = len(self.events("deliver_sm"))
        self.child.write(json.dumps({"from": sender, "to": SHORT_NUMBER, "coding": coding, "hex": data.hex()}))
        wait_for(lambda: len(self.events("deliver_sm")) > before or self.events("error"), timeout=10,
                 what="the SMSC to deliver the SMS")
        assert not self.events("error"), self.events("error")

    def submitted(self, since: int = 0) -> list[Submitted]:
        return [
            Submitted(destination=event["destination_addr"], source=event["source_addr"],
                      data_coding=event["data_coding"], esm_class=event["esm_class"],
                      short_message=bytes.fromhex(event["short_message"] or event["message_payload"] or ""),
                      message_id=event["message_id"])
            for event in self.events("submit_sm")[since:]
        ]


class Jasmin:
    """jasmind with its own RabbitMQ virtual host and Redis, configured by jCli, bound to the simulator."""

    def __init__(self, *, shailoo_url: str, secret: str, work_dir: Path) -> None:
        require_jasmin()
        self.work_dir, self.shailoo_url, self.secret = work_dir, shailoo_url, secret
        self.ports = {name: free_port() for name in ("client_management_port", "http_api_port", "router_port",
                                                     "jcli_port", "smpp_server_pb_port", "smpp_server_port",
                                                     "redis_port")}
        self.vhost = f"shailoo_test_{os.getpid()}_{secrets.token_hex(3)}"
        self.jcli_password = secrets.token_hex(8)
        self.send_username, self.send_password = "shailoo", secrets.token_hex(4)  # Jasmin: at most 8 characters
        self.children: list[Child] = []
        self.operator: Operator | None = None
        store = work_dir / "store"
        store.mkdir()
        self.config = work_dir / "jasmin.cfg"
        self.config.write_text(CONFIG.read_text().format(
            **self.ports, store_dir=store, log_dir=work_dir, amqp_vhost=self.vhost, amqp_username="guest",
            amqp_password="guest", amqp_spec=amqp_spec(), jcli_username="shailoo-admin",
            jcli_password_md5=hashlib.md5(self.jcli_password.encode()).hexdigest(),  # noqa: S324 - Jasmin's format
        ))
        self.logs = {name: LogFile(work_dir / f"{name}.log") for name in (
            "messages", "http-api", "deliversm-thrower", "dlr-thrower", "smppc-operator")}

    @property
    def http_api_url(self) -> str:
        return f"http://127.0.0.1:{self.ports['http_api_port']}"

    def start(self) -> "Jasmin":
        rabbitmqctl("add_vhost", self.vhost)
        rabbitmqctl("set_permissions", "-p", self.vhost, "guest", ".*", ".*", ".*")
        self.children.append(Child("redis", ["redis-server", "--bind", "127.0.0.1", "--port",
                                             str(self.ports["redis_port"]), "--save", "", "--appendonly", "no",
                                             "--dir", str(self.work_dir)], log_dir=self.work_dir))
        wait_for(lambda: port_open(self.ports["redis_port"]), timeout=10, what="Jasmin's Redis")
        self.operator = Operator(self.work_dir)
        self.children.append(self.operator.child)
        self.children.append(Child("jasmind", [
            str(VENV / "bin" / "python"), str(VENV / "bin" / "jasmind.py"), "-c", str(self.config),
            "--enable-dlr-thrower", "--enable-dlr-lookup",
        # Not our environment: Jasmin takes REDIS_URL (and AMQP_BROKER_*) from it before its configuration.
        ], log_dir=self.work_dir, env={"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "LANG": "C.UTF-8",
                                       "ROOT_PATH": str(self.work_dir)}))
        wait_for(lambda: port_open(self.ports["jcli_port"]) and port_open(self.ports["http_api_port"]),
                 timeout=30, what="jasmind's jCli and HTTP API")
        self.configure()
        wait_for(lambda: self.operator.events("bound"), timeout=60, what="Jasmin to bind to the SMSC")
        return self

    def configure(self) -> list[str]:
        values = {
            "smsc_host": "127.0.0.1", "smsc_port": self.operator.port, "smsc_username": "shailoo",
            "smsc_password": "operator", "log_dir": self.work_dir, "shailoo_url": self.shailoo_url,
            "secret": self.secret, "send_username": self.send_username, "send_password": self.send_password,
        }
        lines = [line.format(**values) for line in JCLI_SCRIPT.read_text().splitlines()
                 if line.strip() and not line.startswith("#")]
        with JCli("127.0.0.1", self.ports["jcli_port"], "shailoo-admin", self.jcli_password) as jcli:
            return [jcli.command(line) for line in lines]

    def stop(self) -> None:
        for child in reversed(self.children):
            child.stop()
        rabbitmqctl("delete_vhost", self.vhost)


def rabbitmqctl(*args: str) -> None:
    result = subprocess.run(["rabbitmqctl", "-q", *args], capture_output=True, text=True, timeout=60, check=False)
    if result.returncode != 0:
        raise AssertionError(f"rabbitmqctl {' '.join(args)}: {result.stderr or result.stdout}")


class JCli:
    """Jasmin's console over TCP (a telnet session: options refused, lines typed as a person would)."""

    IAC, DO, DONT, WILL, WONT, SB, SE = 255, 253, 254, 251, 252, 250, 240

    def __init__(self, host: str, port: int, username: str, password: str) -> None:
        self.address, self.username, self.password = (host, port), username, password
        self.buffer = b""

    def __enter__(self) -> "JCli":
        self.socket = socket.create_connection(self.address, timeout=10)
        self._until(b"Authentication required.")
        self._send(self.username)
        self._send(self.password)
        self._until(b"jcli : ")
        return self

    def __exit__(self, *exc) -> None:
        self.socket.close()

    def command(self, line: str) -> str:
        """Type one line; return jCli's answer; fail on an error message."""
        self._send(line)
        answer = self._prompt()
        shown = answer.replace("\r", "")
        if any(word in shown.split("\n", 1)[-1] for word in JCLI_ERRORS):
            raise AssertionError(f"jCli refused {line.split()[0]!r}: {shown.strip()}")
        return shown

    def _send(self, line: str) -> None:
        self.socket.sendall(line.encode() + b"\r\n")

    def _prompt(self) -> str:
        deadline = time.monotonic() + 30
        while not (self.buffer.endswith(b"jcli : ") or self.buffer.endswith(b"> ")):
            if time.monotonic() > deadline:
                raise AssertionError(f"jCli did not answer: {self.buffer!r}")
            self._read()
        answer, self.buffer = self.buffer.decode(errors="replace"), b""
        return answer

    def _until(self, marker: bytes) -> None:
        while marker not in self.buffer:
            self._read()
        self.buffer = self.buffer.split(marker, 1)[1]

    def _read(self) -> None:
        data = self.socket.recv(4096)
        if not data:
            raise AssertionError(f"jCli closed the connection: {self.buffer!r}")
        index = 0
        while index < len(data):
            byte = data[index]
            if byte == self.IAC and index + 2 < len(data) and data[index + 1] in (self.DO, self.DONT, self.WILL,
                                                                                   self.WONT):
                command, option = data[index + 1], data[index + 2]
                if command == self.DO:
                    self.socket.sendall(bytes([self.IAC, self.WONT, option]))
                elif command == self.WILL:
                    self.socket.sendall(bytes([self.IAC, self.DO if option in (1, 3) else self.DONT, option]))
                index += 3
                continue
            self.buffer += bytes([byte])
            index += 1
