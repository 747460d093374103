# SPDX-License-Identifier: Apache-2.0
"""Where a ballot's time goes (the ballot style of crypto_vs_electionguard.py), and which libdecaf build is
faster, measured so that the machine's load weighs on both sides alike.

    .venv/bin/python bench/crypto_profile.py calls        # libdecaf calls per ballot, and their share of time
    .venv/bin/python bench/crypto_profile.py ab [--ballots 60] [--library PATH]
    .venv/bin/python bench/crypto_profile.py native [--ballots 60]

``calls`` counts each libdecaf function called by encrypt + sign (encrypt_ballot, cast_ballot) and by
verify + append (jcs.loads, board.accept_cast, board.append_ballot), and times them inside the calls.
``ab`` alternates ballot by ballot, in one process, between Debian's libdecaf and another build (default:
the x86-64-v3 build that scripts/ensure-libdecaf puts in the venv) and prints the medians of each.
``native`` alternates the same way between shailoo.crypto.native's compiled module and the Python path.
"""
from __future__ import annotations

import argparse
import collections
import os
import random
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT / "bench"))

import crypto_vs_electionguard as style  # noqa: E402
from shailoo.crypto import board, credential, decaf, group, jcs, native  # noqa: E402
from shailoo.crypto.ballot import cast_ballot, cast_to_json, encrypt_ballot  # noqa: E402
from shailoo.crypto.group import Point  # noqa: E402
from shailoo.crypto.transcript import run_ceremony  # noqa: E402


class _Election:
    def __init__(self, ballots: int) -> None:
        self.manifest = style.MANIFEST
        self.key: Point = run_ceremony(self.manifest, style.HOLDERS).result.joint_public_key
        self.voters = [credential.new_credential()[1] for _ in range(ballots)]
        listed = credential.sign_list(self.manifest, [v.public for v in self.voters], style.COMMISSION)
        self.is_listed: Callable[[bytes], bool] = lambda encoding: listed.index(encoding) is not None
        rng = random.Random(1)
        self.choices = [style.random_choices(rng) for _ in range(ballots)]

    def encrypt(self, i: int) -> bytes:
        encrypted, _ = encrypt_ballot(self.manifest, self.key, self.choices[i])
        return jcs.canonical(cast_to_json(cast_ballot(self.manifest, encrypted, self.voters[i])))

    def verify(self, i: int, body: bytes) -> None:
        accepted = board.accept_cast(self.manifest, self.key, self.is_listed, jcs.loads(body, "bench"))
        board.append_ballot(self.manifest, board.genesis(self.manifest), accepted, style.OPENS + i, style.BOARD)


class _Counting:
    """libdecaf with a count and a timer around every function call."""

    def __init__(self, lib: Any) -> None:
        self.lib, self.calls, self.seconds = lib, collections.Counter[str](), collections.Counter[str]()

    def __getattr__(self, name: str) -> Any:
        attribute = getattr(self.lib, name)
        if not callable(attribute):
            return attribute

        def call(*args: Any) -> Any:
            started = time.perf_counter()
            try:
                return attribute(*args)
            finally:
                self.seconds[name] += time.perf_counter() - started
                self.calls[name] += 1
        return call


def calls(ballots: int) -> None:
    election = _Election(ballots)
    bodies = [election.encrypt(i) for i in range(ballots)]  # warm the key's table and the caches
    counting = _Counting(decaf.lib)
    decaf.lib = group._lib = counting
    # With the native module, a range proof's libdecaf calls are made from C: its calls are counted instead
    # (SHAILOO_NATIVE=off counts each libdecaf call of the Python path).
    built = native.lib
    if built is not None:
        native.lib = _Counting(built)
        native.lib.calls, native.lib.seconds = counting.calls, counting.seconds
    for title, work in (("encrypt + sign", lambda i: election.encrypt(i)),
                        ("verify + append", lambda i: election.verify(i, bodies[i]))):
        counting.calls.clear()
        counting.seconds.clear()
        started = time.perf_counter()
        for i in range(ballots):
            work(i)
        total = (time.perf_counter() - started) / ballots
        inside = sum(counting.seconds.values()) / ballots
        print(f"{title}: {1000 * total:.3f} ms a ballot (wall, counting included), {1000 * inside:.3f} ms in libdecaf")
        for name, count in counting.calls.most_common():
            print(f"  {name:<48}{count / ballots:6.1f} calls {1e6 * counting.seconds[name] / count:8.2f} us each")
    decaf.lib = group._lib = counting.lib
    native.lib = built


def _use(lib: Any) -> None:
    decaf.lib = group._lib = lib
    decaf.BASE_TABLE = lib.decaf_255_precomputed_base
    if native.lib is not None:
        native.bind(native.ffi, native.lib, lib, decaf.BASE_TABLE)
    group.fixed_base.cache_clear()


def ab(ballots: int, library: str) -> None:
    libraries = {"Debian's": decaf.ffi.dlopen(decaf.SYSTEM_LIBRARY), "other": decaf.ffi.dlopen(library)}
    _use(libraries["Debian's"])
    election = _Election(ballots)
    times: dict[str, tuple[list[float], list[float]]] = {name: ([], []) for name in libraries}
    for i in range(ballots):
        for name in sorted(libraries, reverse=bool(i % 2)):  # alternate which goes first
            _use(libraries[name])
            group.fixed_base(election.key)
            started = time.process_time()
            body = election.encrypt(i)
            encrypted = time.process_time()
            election.verify(i, body)
            times[name][0].append(encrypted - started)
            times[name][1].append(time.process_time() - encrypted)
    print(f"other: {library}")
    for name, (encrypting, verifying) in times.items():
        print(f"{name:<10} encrypt + sign {1000 * statistics.median(encrypting):.3f} ms, verify + append (its tracking "
              f"hash and receipt included) {1000 * statistics.median(verifying):.3f} ms (medians of {ballots})")


def native_ab(ballots: int) -> None:
    if native.lib is None:
        raise SystemExit("the native module is not built: run scripts/ensure-native")
    paths = {"python": None, "native": native.lib}
    election = _Election(ballots)
    times: dict[str, tuple[list[float], list[float]]] = {name: ([], []) for name in paths}
    for i in range(ballots):
        for name in sorted(paths, reverse=bool(i % 2)):  # alternate which goes first
            native.lib = paths[name]
            started = time.process_time()
            body = election.encrypt(i)
            encrypted = time.process_time()
            election.verify(i, body)
            times[name][0].append(encrypted - started)
            times[name][1].append(time.process_time() - encrypted)
    native.lib = paths["native"]
    for name, (encrypting, verifying) in times.items():
        print(f"{name:<8} encrypt + sign {1000 * statistics.median(encrypting):.3f} ms, verify + append "
              f"{1000 * statistics.median(verifying):.3f} ms (medians of {ballots} ballots, CPU time)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("mode", choices=("calls", "ab", "native"))
    parser.add_argument("--ballots", type=int, default=30)
    parser.add_argument("--library", default=str(Path(sys.prefix, "lib", "shailoo-libdecaf", "x86-64-v3",
                                                           decaf.SYSTEM_LIBRARY)))
    args = parser.parse_args()
    if args.mode == "ab" and decaf.LIBRARY != decaf.SYSTEM_LIBRARY:
        # The loader hands out an already loaded library for its soname: load Debian's first, by name.
        os.execve(sys.executable, [sys.executable, *sys.argv], {**os.environ, "SHAILOO_LIBDECAF": "system"})  # noqa: S606
    print(f"command: {' '.join([Path(sys.executable).name, *sys.argv])}")
    print(f"machine: {os.cpu_count()} CPU(s), load average {os.getloadavg()[0]:.2f} at start; libdecaf {decaf.LIBRARY}")
    if args.mode == "calls":
        calls(args.ballots)
    elif args.mode == "native":
        native_ab(args.ballots)
    else:
        ab(args.ballots, args.library)
    print(f"load average {os.getloadavg()[0]:.2f} at the end")


if __name__ == "__main__":
    main()
