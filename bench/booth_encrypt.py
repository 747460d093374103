# SPDX-License-Identifier: Apache-2.0
"""The booth's encryption in headless Chromium beside the Python reference, in the same run.

Ballot "1 of 5" + "up to 3 of 10" (15 options: 15 ciphertexts with 0/1 proofs, 2 range proofs, the tracking
hash and the cast signature). In Chromium: the production bundle's Web Worker (booth/, libsodium in
WebAssembly), `encryptAndSign` timed inside the worker and around the page's call (the message round trip
included). The same code in Node (V8, the same WebAssembly) with its CPU time, which a loaded machine swells
less than wall time. In Python: shailoo.crypto's encrypt_ballot + cast_ballot (libdecaf). Target (issue 10): the browser
≤ 100 ms including proofs and signature.

    flock /tmp/shailoo-bench.lock .venv/bin/python bench/booth_encrypt.py --ballots 30 [--port 8601]
"""
from __future__ import annotations

import argparse
import functools
import http.server
import json
import os
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path

from shailoo.crypto import ballot
from shailoo.crypto.credential import new_credential
from shailoo.crypto.group import base_mul
from shailoo.crypto.manifest import Authorities, Contest, Manifest, Option
from shailoo.crypto.randomness import SYSTEM, random_scalar
from shailoo.crypto.signature import generate_signing_key

ROOT = Path(__file__).resolve().parent.parent
BUNDLE = ROOT / "src" / "shailoo" / "evoting" / "static" / "evoting" / "booth"
CHROMIUM = "/usr/bin/chromium"
PAGE = """<!doctype html><meta charset="utf-8"><title>booth bench</title><script>
window.run = async (request, count) => {
  const worker = new Worker("worker.js");
  let next = 1;
  const call = (op, args) => new Promise((resolve, reject) => {
    const id = next++;
    worker.onmessage = ({ data }) => data.ok ? resolve(data.result) : reject(new Error(data.error));
    worker.postMessage({ ...args, id, op });
  });
  await call("encryptAndSign", request);  // warm-up: WebAssembly instantiated, code paths compiled
  const inside = [], around = [];
  for (let i = 0; i < count; i++) {
    const started = performance.now();
    const out = await call("encryptAndSign", request);
    around.push(performance.now() - started);
    inside.push(out.ms);
    if (i === 0) window.sample = out.cast;
  }
  return { inside, around, sample: window.sample };
};
</script>"""


def manifest() -> Manifest:
    keys = [generate_signing_key().public for _ in range(4)]
    return Manifest(
        "bench/1", "booth bench", 1_700_000_000_000, 1_800_000_000_000,
        Authorities(keys[0], keys[1], (keys[2], keys[3]), 2),
        (Contest("one-of-five", "1 of 5", tuple(Option(f"a{i}", f"A{i}") for i in range(5)), 1, 1),
         Contest("up-to-three-of-ten", "up to 3 of 10", tuple(Option(f"b{i}", f"B{i}") for i in range(10)), 0, 3)),
    )


def serve(port: int) -> http.server.ThreadingHTTPServer:
    class Handler(http.server.SimpleHTTPRequestHandler):
        def do_GET(self) -> None:
            if self.path in ("/", "/bench.html"):
                body = PAGE.encode()
                self.send_response(200)
                self.send_header("Content-Type", "text/html; charset=utf-8")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)
                return
            super().do_GET()

        def log_message(self, *args: object) -> None:
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", port), functools.partial(Handler, directory=str(BUNDLE)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


def summary(values: list[float]) -> str:
    ordered = sorted(values)
    p90 = ordered[min(len(ordered) - 1, int(0.9 * len(ordered)))]
    return f"median {statistics.median(ordered):7.2f} ms   p90 {p90:7.2f} ms   max {ordered[-1]:7.2f} ms"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--ballots", type=int, default=30)
    parser.add_argument("--port", type=int, default=8601)
    args = parser.parse_args(argv)
    if not (BUNDLE / "worker.js").exists():
        sys.exit(f"{BUNDLE / 'worker.js'} is missing: run `make booth` (or make install)")
    from playwright.sync_api import sync_playwright

    print(f"load average at start: {os.getloadavg()}")
    election = manifest()
    key = base_mul(random_scalar(SYSTEM))
    seed, credential = new_credential()
    choices = {"one-of-five": ["a2"], "up-to-three-of-ten": ["b1", "b4", "b8"]}
    request = {"manifest": election.to_json(), "joint_public_key": key.hex(), "choices": choices, "seed": seed.hex()}

    server = serve(args.port)
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True,
                                                 args=["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage"])
            page = browser.new_page()
            page.goto(f"http://127.0.0.1:{args.port}/bench.html")
            result = page.evaluate("([request, count]) => window.run(request, count)", [request, args.ballots])
            browser.close()
    finally:
        server.shutdown()
    # The browser's ballot is a valid one (the proofs and the signature verify in Python).
    from shailoo.crypto import board

    board.accept_cast(election, key, lambda encoding: encoding == credential.public.data, result["sample"])

    node = json.loads(subprocess.run(["node", str(ROOT / "booth" / "cli.mjs"), "bench"], check=True, text=True,
                                     capture_output=True, input=json.dumps({**request, "count": args.ballots})).stdout)

    python_ms, python_cpu = [], []
    marks = {contest: frozenset(options) for contest, options in choices.items()}
    for _ in range(args.ballots):
        wall, cpu = time.perf_counter(), time.process_time()
        encrypted, _ = ballot.encrypt_ballot(election, key, marks)
        ballot.cast_ballot(election, encrypted, credential)
        python_ms.append(1000 * (time.perf_counter() - wall))
        python_cpu.append(1000 * (time.process_time() - cpu))

    print(f"ballot: '1 of 5' + 'up to 3 of 10' (15 options), {args.ballots} ballots each, after one warm-up")
    print(f"Chromium worker, encrypt + proofs + sign (inside the worker): {summary(result['inside'])}")
    print(f"Chromium page, the same call with the message round trip:    {summary(result['around'])}")
    print(f"Node (same JS and WebAssembly), encrypt + proofs + sign (wall): {summary(node['wall'])}")
    print(f"Node (same JS and WebAssembly), encrypt + proofs + sign (CPU):  {summary(node['cpu'])}")
    print(f"Python shailoo.crypto, encrypt + proofs + sign (wall):       {summary(python_ms)}")
    print(f"Python shailoo.crypto, encrypt + proofs + sign (CPU):        {summary(python_cpu)}")
    print("the browser's first ballot verified with shailoo.crypto.board.accept_cast")
    print(f"load average at end: {os.getloadavg()}")
    print(json.dumps({"chromium_median_ms": statistics.median(result["around"]),
                      "python_median_ms": statistics.median(python_ms)}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
