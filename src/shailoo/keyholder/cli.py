# SPDX-License-Identifier: Apache-2.0
"""shailoo-keyholder: a key holder's program (docs/keyholders.md).

    shailoo-keyholder init      --file holder.key
    shailoo-keyholder register  --file holder.key --server https://shailoo.example --election SLUG --code CODE
    shailoo-keyholder ceremony  --file holder.key [--wait SECONDS]
    shailoo-keyholder decrypt   --file holder.key

The passphrase comes from --passphrase-file, else the SHAILOO_KEYHOLDER_PASSPHRASE environment variable,
else a prompt. Exit codes: 0 done; 1 refused (a check failed: the message names it); 2 the file cannot be
opened (wrong passphrase, no file) or the command line is wrong; 3 the server refused or cannot be
reached; 4 still waiting for other holders (run the same command again: it continues where it stopped).
"""
from __future__ import annotations

import argparse
import getpass
import os
import sys
import time
from collections.abc import Sequence
from pathlib import Path

from shailoo.crypto.signature import generate_signing_key
from shailoo.keyholder.client import Client, ServerError
from shailoo.keyholder.holder import Holder, Refusal
from shailoo.keyholder.keyfile import DEFAULT_MEMORY_MIB, KeyFile, KeyFileError

PASSPHRASE_ENV = "SHAILOO_KEYHOLDER_PASSPHRASE"  # noqa: S105 - the variable's name, not a secret
DONE, REFUSED, FILE_ERROR, SERVER_ERROR, WAITING = 0, 1, 2, 3, 4


def _passphrase(args: argparse.Namespace, confirm: bool = False) -> str:
    if args.passphrase_file:
        return Path(args.passphrase_file).read_text(encoding="utf-8").rstrip("\r\n")
    if os.environ.get(PASSPHRASE_ENV):
        return os.environ[PASSPHRASE_ENV]
    passphrase = getpass.getpass("Passphrase of the key file: ")
    if confirm and getpass.getpass("The same passphrase again: ") != passphrase:
        raise KeyFileError("the two passphrases differ")
    return passphrase


def _open(args: argparse.Namespace) -> KeyFile:
    return KeyFile.open(Path(args.file), _passphrase(args))


def init(args: argparse.Namespace) -> int:
    key = generate_signing_key()
    KeyFile.create(Path(args.file), _passphrase(args, confirm=True),
                   {"signing_key": key.secret.hex(), "public_key": key.public.hex()}, args.kdf_memory)
    print(f"Key file written to {args.file} (encrypted under your passphrase: keep both safe, apart).")
    print(f"Your long-term public key: {key.public.hex()}")
    print("Next: shailoo-keyholder register --file ... --server ... --election ... --code ...")
    return DONE


def register(args: argparse.Namespace) -> int:
    keyfile = _open(args)
    if keyfile.data.get("holder") is not None:
        if (keyfile.data.get("election"), keyfile.data.get("server")) != (args.election, args.server.rstrip("/")):
            raise Refusal("register.other", f"this file is already registered for {keyfile.data['election']} at "
                          f"{keyfile.data['server']}: make a new file for another election")
    public = keyfile.data["public_key"]
    answer = Client(args.server).post("/ceremony/api/register", {
        "election": args.election, "code": args.code, "public_key": public, "name": args.name or ""})
    if not isinstance(answer, dict) or answer.get("public_key") != public or not isinstance(answer.get("holder"), int):
        raise Refusal("register.answer", "the server's answer does not confirm this key")
    keyfile.data.update(server=args.server.rstrip("/"), election=args.election, holder=answer["holder"])
    keyfile.save()
    print(f"Registered as key holder {answer['holder']} ({answer.get('name', '')}) of {args.election}.")
    print(f"Compare your public key with the one the commission publishes: {public}")
    return DONE


def _holder(args: argparse.Namespace) -> Holder:
    keyfile = _open(args)
    if keyfile.data.get("holder") is None:
        raise KeyFileError("this key file is not registered yet: run `shailoo-keyholder register` first")
    return Holder(keyfile, Client(keyfile.data["server"]))


def ceremony(args: argparse.Namespace) -> int:
    holder = _holder(args)
    deadline = time.monotonic() + args.wait
    last: list[str] = []
    while True:
        try:
            state = holder.state()
            statuses = [holder.step(board) for board in state["boards"]]
        except ServerError as error:
            if error.code != "client.unreachable":
                raise
            statuses = []
            lines = [f"{error.message}; trying again"]
        else:
            lines = [s.line for s in statuses] or [f"{holder.slug}: no ceremony has opened yet"]
        if lines != last:
            for line in lines:
                print(line, flush=True)
            last = lines
        if statuses and all(s.finished for s in statuses):
            print(f"Every board's ceremony is finished ({len(statuses)}); your shares are in {args.file}.")
            return DONE
        if time.monotonic() >= deadline:
            print("Still waiting for other holders: run the same command again later (it continues).")
            return WAITING
        time.sleep(args.poll)


def decrypt(args: argparse.Namespace) -> int:
    holder = _holder(args)
    state = holder.state()
    done = 0
    for board in state["boards"]:
        board_id = str(board.get("board"))
        saved = holder.file.data.get("boards", {}).get(board_id, {})
        if saved.get("decrypted"):
            print(f"{board_id}: already decrypted")
            continue
        if args.board and board_id not in args.board:
            continue
        holder.decrypt(board_id, args.workers)
        print(f"{board_id}: partial decryption posted")
        done += 1
    print(f"{done} board(s) decrypted.")
    return DONE


def parser() -> argparse.ArgumentParser:
    main = argparse.ArgumentParser(prog="shailoo-keyholder", description=__doc__.split("\n\n")[0],
                                   formatter_class=argparse.RawDescriptionHelpFormatter)
    commands = main.add_subparsers(dest="command", required=True)

    def command(name: str, help: str) -> argparse.ArgumentParser:
        sub = commands.add_parser(name, help=help, description=help)
        sub.add_argument("--file", required=True, help="the encrypted key file")
        sub.add_argument("--passphrase-file", help=f"read the passphrase from this file (else ${PASSPHRASE_ENV}, "
                         "else a prompt)")
        return sub

    sub = command("init", "make your long-term signing key, in a new file encrypted under a passphrase")
    sub.add_argument("--kdf-memory", type=int, default=DEFAULT_MEMORY_MIB,
                     help=f"MiB of memory for Argon2id (default {DEFAULT_MEMORY_MIB}; lower only on a small machine)")
    sub.set_defaults(run=init)
    sub = command("register", "send your public key to the server with the commission's one-time code")
    sub.add_argument("--server", required=True, help="the platform's address, e.g. https://shailoo.example")
    sub.add_argument("--election", required=True, help="the election's short name (slug)")
    sub.add_argument("--code", required=True, help="the one-time code the commission gave you")
    sub.add_argument("--name", help="your name as you want it logged (optional)")
    sub.set_defaults(run=register)
    sub = command("ceremony", "take part in the key ceremony of every board of the election")
    sub.add_argument("--wait", type=float, default=3600, help="seconds to wait for the others (default 3600)")
    sub.add_argument("--poll", type=float, default=2.0, help="seconds between looks at the relay (default 2)")
    sub.set_defaults(run=ceremony)
    sub = command("decrypt", "verify each board's record and post your partial decryption of its sums")
    sub.add_argument("--board", action="append", help="only this board (SLUG/NUMBER), repeatable")
    sub.add_argument("--workers", type=int, default=1, help="processes for the verifier (default 1)")
    sub.set_defaults(run=decrypt)
    return main


def main(argv: Sequence[str] | None = None) -> int:
    args = parser().parse_args(argv)
    try:
        return int(args.run(args))
    except Refusal as refusal:
        print(f"REFUSED [{refusal.code}] {refusal.what}", file=sys.stderr)
        return REFUSED
    except KeyFileError as error:
        print(f"KEY FILE: {error}", file=sys.stderr)
        return FILE_ERROR
    except ServerError as error:
        print(f"SERVER [{error.code}] {error.message}", file=sys.stderr)
        return SERVER_ERROR
    except KeyboardInterrupt:
        print("Stopped; everything done so far is saved: run the same command again to continue.", file=sys.stderr)
        return WAITING


if __name__ == "__main__":
    sys.exit(main())
