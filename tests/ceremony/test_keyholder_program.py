# SPDX-License-Identifier: Apache-2.0
"""shailoo-keyholder as holders run it: five processes of the real program against a live server run a
3-of-5 ceremony on every board of the election; a cheating relay (a proxy in front of the server that
swaps a key or drops a message) is caught by the program, naming the check; a wrong passphrase and a
replayed registration code are refused."""
from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
import urllib.request
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from shailoo.ceremony import selectors, services
from shailoo.ceremony.models import Ceremony, KeyHolder, Message
from shailoo.crypto.manifest import manifest_from_json
from shailoo.crypto.transcript import check_transcript
from shailoo.keyholder import cli
from tests.ceremony.helpers_ceremony import Setup, manifest_for, name_and_issue

PASSPHRASE = "correct horse battery staple"


def keyholder(*args: str, passphrase: str = PASSPHRASE, timeout: float = 180) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ, SHAILOO_KEYHOLDER_PASSPHRASE=passphrase)
    return subprocess.run([sys.executable, "-m", "shailoo.keyholder.cli", *args], capture_output=True, text=True,
                          env=env, timeout=timeout, check=False)


def start(*args: str) -> subprocess.Popen[str]:
    env = dict(os.environ, SHAILOO_KEYHOLDER_PASSPHRASE=PASSPHRASE)
    return subprocess.Popen([sys.executable, "-m", "shailoo.keyholder.cli", *args], stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT, text=True, env=env)


def in_process(*args: str) -> int:
    """The program's own entry point in this process: the same code as the subprocesses, without their
    start-up time, for the steps a test only needs done."""
    os.environ["SHAILOO_KEYHOLDER_PASSPHRASE"] = PASSPHRASE
    try:
        return cli.main(list(args))
    finally:
        del os.environ["SHAILOO_KEYHOLDER_PASSPHRASE"]


def enrol(tmp_path: Path, url: str, boards: int = 1, processes: bool = False) -> tuple[Setup, dict[int, Path]]:
    """Holders make their files and register with their codes (as processes of the program, or its entry
    point in this process); the commission opens every board."""
    setup = name_and_issue(5, 3, boards)
    files = {}
    for index, code in setup.codes.items():
        files[index] = tmp_path / f"holder{index}.key"
        init = ("init", "--file", str(files[index]), "--kdf-memory", "8")
        register = ("register", "--file", str(files[index]), "--server", url, "--election", setup.election.slug,
                    "--code", code)
        if processes:
            assert keyholder(*init).returncode == 0
            registered = keyholder(*register)
            assert registered.returncode == 0, registered.stderr
            assert f"key holder {index}" in registered.stdout
        else:
            assert in_process(*init) == 0 and in_process(*register) == 0
    keys = [h.public_key for h in KeyHolder.objects.filter(election=setup.election).order_by("index")]
    services.open_ceremonies(setup.election, {c.pk: manifest_for(setup, c, keys) for c in setup.constituencies},
                             by=None)
    return setup, files


def one_pass(files: dict[int, Path], url_holders: list[int]) -> None:
    """Each named holder does what it can now and stops (exit 4: waiting for the others)."""
    for index in url_holders:
        assert in_process("ceremony", "--file", str(files[index]), "--wait", "0") == 4


def test_five_holders_run_every_board_3_of_5_and_the_result_verifies(tmp_path, relay):
    setup, files = enrol(tmp_path, relay, boards=2, processes=True)
    one_pass(files, [1])  # holder 1 sends its first messages, stops, and later continues where it stopped
    assert Message.objects.filter(holder=1).count() == 2
    processes = [start("ceremony", "--file", str(files[i]), "--wait", "120", "--poll", "0.3") for i in files]
    outputs = [p.communicate(timeout=180)[0] for p in processes]
    for process, output in zip(processes, outputs, strict=True):
        assert process.returncode == 0, output
        assert "ceremony finished and verified; qualified [1, 2, 3, 4, 5]" in output
    for constituency in setup.constituencies:
        result = selectors.ceremony_result(setup.election, constituency)
        assert result is not None
        manifest = manifest_from_json(Ceremony.objects.get(constituency=constituency).manifest)
        assert check_transcript(manifest, result.ceremony_json).joint_public_key.hex() == result.joint_public_key
        assert f"K = {result.joint_public_key}" in outputs[0]
    # Run again: nothing to do, nothing sent.
    count = Message.objects.count()
    again = keyholder("ceremony", "--file", str(files[2]), "--wait", "0")
    assert again.returncode == 0 and Message.objects.count() == count


def test_a_wrong_passphrase_opens_nothing(tmp_path, relay):
    _, files = enrol(tmp_path, relay)
    wrong = tmp_path / "wrong.txt"
    wrong.write_text("not the passphrase at all\n")
    refused = keyholder("ceremony", "--file", str(files[1]), "--passphrase-file", str(wrong), "--wait", "0")
    assert refused.returncode == 2
    assert "wrong passphrase" in refused.stderr
    assert Message.objects.count() == 0
    secret_free = files[1].read_text()
    assert json.loads(secret_free)["kdf"]["name"] == "argon2id" and "signing_key" not in secret_free


def test_a_replayed_registration_code_is_refused(tmp_path, relay):
    setup = name_and_issue(5, 3)
    first, second = tmp_path / "first.key", tmp_path / "second.key"
    for path in (first, second):
        assert keyholder("init", "--file", str(path), "--kdf-memory", "8").returncode == 0
    args = ("--server", relay, "--election", setup.election.slug, "--code", setup.codes[1])
    assert keyholder("register", "--file", str(first), *args).returncode == 0
    replayed = keyholder("register", "--file", str(second), *args)
    assert replayed.returncode == 3
    assert "[register.code-used]" in replayed.stderr


class CheatingRelay:
    """A proxy in front of the server that rewrites the ceremony's state it serves to the holders."""

    def __init__(self, upstream: str, rewrite: Callable[[dict], None]) -> None:
        relay = self

        class Handler(BaseHTTPRequestHandler):
            def _forward(self, body: bytes | None) -> None:
                request = urllib.request.Request(upstream + self.path, data=body, method=self.command,  # noqa: S310
                                                 headers={"Content-Type": "application/json"})
                try:
                    with urllib.request.urlopen(request, timeout=30) as answer:  # noqa: S310 - the test's server
                        status, data = answer.status, answer.read()
                except urllib.error.HTTPError as error:
                    status, data = error.code, error.read()
                if self.command == "GET" and status == 200 and self.path.startswith("/ceremony/api/"):
                    state = json.loads(data)
                    relay.rewrite(state)
                    data = json.dumps(state).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def do_GET(self):  # noqa: N802 - the standard library's name
                self._forward(None)

            def do_POST(self):  # noqa: N802
                self._forward(self.rfile.read(int(self.headers["Content-Length"])))

            def log_message(self, *args):
                pass

        self.rewrite = rewrite
        for port in range(8560, 8600):
            try:
                self.server = ThreadingHTTPServer(("127.0.0.1", port), Handler)
                break
            except OSError:
                continue
        self.url = f"http://127.0.0.1:{self.server.server_port}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


def point_the_file_at(path: Path, url: str) -> None:
    """The holder's file names the server it registered with: send it through the proxy instead."""
    from shailoo.keyholder.keyfile import KeyFile

    opened = KeyFile.open(path, PASSPHRASE)
    opened.data["server"] = url
    opened.save()


def test_a_relay_that_swaps_a_holders_key_is_caught(tmp_path, relay):
    _, files = enrol(tmp_path, relay)
    one_pass(files, [1, 2, 3, 4, 5])  # round 1 complete on the server

    def swap(state: dict) -> None:
        for board in state["boards"]:
            keys = board["messages"]["keys"]
            keys[3]["encryption_key"] = keys[4]["encryption_key"]  # holder 4's share key, replaced by the relay

    cheat = CheatingRelay(relay, swap)
    try:
        point_the_file_at(files[1], cheat.url)
        caught = keyholder("ceremony", "--file", str(files[1]), "--wait", "0")
    finally:
        cheat.close()
    assert caught.returncode == 1
    assert "REFUSED [ceremony.signature]" in caught.stderr and "holder 4" in caught.stderr
    assert not Message.objects.filter(round=Message.Round.SHARES).exists()


def test_a_relay_that_swaps_a_holders_long_term_key_in_the_manifest_is_caught(tmp_path, relay):
    _, files = enrol(tmp_path, relay)

    def swap(state: dict) -> None:
        for board in state["boards"]:
            holders = board["manifest"]["authorities"]["holders"]
            holders[0], holders[1] = holders[1], holders[0]

    cheat = CheatingRelay(relay, swap)
    try:
        point_the_file_at(files[1], cheat.url)
        caught = keyholder("ceremony", "--file", str(files[1]), "--wait", "0")
    finally:
        cheat.close()
    assert caught.returncode == 1
    assert "REFUSED [manifest.holder-key]" in caught.stderr
    assert Message.objects.count() == 0


def test_a_relay_that_drops_a_holders_message_is_caught_by_that_holder(tmp_path, relay):
    _, files = enrol(tmp_path, relay)
    one_pass(files, [3])

    def drop(state: dict) -> None:
        for board in state["boards"]:
            board["messages"]["keys"] = [m for m in board["messages"]["keys"] if m["holder"] != 3]

    cheat = CheatingRelay(relay, drop)
    try:
        point_the_file_at(files[3], cheat.url)
        caught = keyholder("ceremony", "--file", str(files[3]), "--wait", "0")
    finally:
        cheat.close()
    assert caught.returncode == 1
    assert "REFUSED [relay.dropped]" in caught.stderr


def test_the_program_files_a_complaint_against_a_cheating_dealer_who_is_then_disqualified(tmp_path, relay, capsys):
    """Dealer 2 (made here with shailoo.crypto) sends holder 4 a bad share; the programs of holders 1, 3, 4
    and 5 go on; holder 4's files the complaint; the ceremony finishes without dealer 2."""
    from shailoo.crypto import ceremony as c
    from shailoo.keyholder.client import Client
    from shailoo.keyholder.keyfile import KeyFile
    from tests.ceremony.helpers_ceremony import opened

    setup = opened()
    slug = setup.election.slug
    files = {}
    for index in (1, 3, 4, 5):
        files[index] = tmp_path / f"holder{index}.key"
        KeyFile.create(files[index], PASSPHRASE, {
            "signing_key": setup.keys[index].secret.hex(), "public_key": setup.keys[index].public.hex(),
            "server": relay, "election": slug, "holder": index}, memory_mib=8)
    api = Client(relay)
    board = api.get(f"/ceremony/api/{slug}")["boards"][0]
    ceremony = c.Ceremony(manifest_from_json(board["manifest"]), board["attempt"])
    dealer = c.start_holder(ceremony, 2)

    def served(name: str) -> list:
        return api.get(f"/ceremony/api/{slug}")["boards"][0]["messages"][name]

    def programs() -> list[int]:
        return [in_process("ceremony", "--file", str(files[i]), "--wait", "0") for i in files]

    assert programs() == [4, 4, 4, 4]
    api.post(f"/ceremony/api/{slug}/1/messages", c.make_key_message(ceremony, dealer, setup.keys[2]))
    keys = [c.check_key_message(ceremony, m, "k") for m in served("keys")]
    assert programs() == [4, 4, 4, 4]
    api.post(f"/ceremony/api/{slug}/1/messages",
             c.make_shares_message(ceremony, dealer, keys, setup.keys[2], cheat_on=frozenset({4})))
    shares = [c.check_shares_message(ceremony, m, keys, "s") for m in served("shares")]
    assert programs() == [4, 4, 4, 4]
    assert "COMPLAINT filed against dealer 2" in capsys.readouterr().out
    api.post(f"/ceremony/api/{slug}/1/messages", c.make_check_message(ceremony, dealer, keys, shares, setup.keys[2])[0])
    assert programs() == [4, 4, 4, 4]  # each sends its signature on the result
    assert programs() == [0, 0, 0, 0]
    assert "qualified [1, 3, 4, 5]" in capsys.readouterr().out
    result = selectors.ceremony_result(setup.election, setup.constituencies[0])
    assert result is not None and result.ceremony_json["qualified"] == [1, 3, 4, 5]
    assert result.ceremony_json["checks"][3]["complaints"][0]["dealer"] == 2


def test_a_server_that_cannot_be_reached_is_waited_for_not_given_up(tmp_path, capsys):
    """A network outage during the ceremony: the program keeps trying until --wait, then says to run it again."""
    import socket

    from shailoo.crypto.signature import generate_signing_key
    from shailoo.keyholder.keyfile import KeyFile

    with socket.socket() as probe:  # a port nobody listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    key, path = generate_signing_key(), tmp_path / "holder.key"
    KeyFile.create(path, PASSPHRASE, {"signing_key": key.secret.hex(), "public_key": key.public.hex(),
                                      "server": f"http://127.0.0.1:{port}", "election": "e", "holder": 1}, memory_mib=8)
    assert in_process("ceremony", "--file", str(path), "--wait", "0.3", "--poll", "0.1") == 4
    out = capsys.readouterr().out
    assert f"127.0.0.1:{port} cannot be reached" in out and "trying again" in out
