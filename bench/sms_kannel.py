# SPDX-License-Identifier: Apache-2.0
"""Benchmark: SMS 119 end to end through Debian's Kannel, side by side with the Kannel webhook alone.

    flock /tmp/shailoo-bench.lock .venv/bin/python bench/sms_kannel.py [--voters 50000] [--messages 20000]
        [--workers 3] [--gthreads 8] [--duration 20] [--connections 32] [--database shailoo_sms]

Same run, same gunicorn, same database, same PINs and message text ("RU <PIN>", a two-part reply):
1. the webhook alone: wrk sends `GET /sms/kannel` as Kannel would (bench/sms_webhooks.lua), as fast as
   gunicorn answers;
2. end to end: fakesmsc -i 0 (the operator's SMSC, kannel-extras) pushes `--messages` voters' SMS, each from
   a sender of its own, into bearerbox → smsbox → Shailoo → smsbox → bearerbox → fakesmsc, configured by
   docs/gateways/kannel.conf (smsbox at log level 1: the debug level would cost more than Kannel itself).
   The rate is the replies bearerbox sent per second (its access log) between 10 % and 90 % of the run.
The rate limits stay on (every message is counted in Redis) but are set high enough never to refuse: the
benchmark measures answering. The CPU each side used per message is read from /proc: gunicorn's workers
against bearerbox, smsbox and fakesmsc (the gateway's share of the cost).
"""
import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import benchlib
import sms_webhooks
from benchlib import OUT, psql

sys.path.insert(0, str(benchlib.ROOT))
from tests.integration.kannel import FAKESMSC, Kannel  # noqa: E402

REDIS_URL = "redis://127.0.0.1:6379/5"
SECRET = sms_webhooks.SECRET
NEVER_REFUSE = "100000000/3600"


def kannel_cpu() -> float:
    return benchlib._process_cpu_seconds({"bearerbox", "smsbox", "fakesmsc"})


def sent_count(kannel: Kannel) -> int:
    return kannel.access_log.since().count("Sent SMS ")


def end_to_end(kannel: Kannel, pins: list[str], *, messages: int, master_pid: int) -> dict:
    # -z 1: fakesmsc appends random digits to the sender "99670": a sender of its own for each SMS.
    texts = [f"99670 119 text RU {pin}" for pin in pins[:200]]
    before_sent, before_gateway = sent_count(kannel), kannel_cpu()
    before_web, before_load = benchlib.workers_cpu_seconds(master_pid), benchlib.load()
    started = time.monotonic()
    samples: list[tuple[float, int]] = []
    argv = [str(FAKESMSC), "-H", "127.0.0.1", "-r", str(kannel.ports["fakesmsc_port"]), "-i", "0", "-m", str(messages),
            "-z", "1", *texts]
    with open(kannel.work_dir / "fakesmsc-bench.out", "wb") as output:
        phone = subprocess.Popen(argv, stdout=output, stderr=subprocess.STDOUT)
        try:
            while True:
                done = sent_count(kannel) - before_sent
                samples.append((time.monotonic(), done))
                if done >= messages:
                    break
                stalled = [sample for sample in samples if sample[0] >= samples[-1][0] - 30]
                if samples[-1][0] - started > 30 and stalled[0][1] == done:
                    raise SystemExit(f"no reply for 30 s after {done} of {messages}: see {kannel.work_dir}")
                time.sleep(0.25)
        finally:
            phone.terminate()
            phone.wait(timeout=30)
    answered = samples[-1][1]
    low = next(sample for sample in samples if sample[1] >= answered * 0.1)
    high = next(sample for sample in samples if sample[1] >= answered * 0.9)
    rate = (high[1] - low[1]) / max(high[0] - low[0], 1e-9)
    return {
        "answered": answered, "rate": rate, "seconds": samples[-1][0] - started,
        "web_ms": (benchlib.workers_cpu_seconds(master_pid) - before_web) * 1000 / max(answered, 1),
        "gateway_ms": (kannel_cpu() - before_gateway) * 1000 / max(answered, 1),
        "load_before": before_load, "load_after": benchlib.load(),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--voters", type=int, default=50_000)
    parser.add_argument("--precincts", type=int, default=100)
    parser.add_argument("--database", default="shailoo_sms")
    parser.add_argument("--messages", type=int, default=20_000, help="voters' SMS pushed through Kannel")
    parser.add_argument("--workers", type=int, default=3)
    parser.add_argument("--gthreads", type=int, default=8)
    parser.add_argument("--duration", type=int, default=20, help="seconds of the webhook-alone run")
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--port", type=int, default=8791)
    options = parser.parse_args()
    benchlib.require_wrk()
    OUT.mkdir(parents=True, exist_ok=True)
    env = benchlib.bench_env(options.database, REDIS_URL, SHAILOO_SMS_KANNEL_SECRET=SECRET,
                             SHAILOO_RATE_LIMIT_PIN=NEVER_REFUSE, SHAILOO_RATE_LIMIT_SMS_SENDER=NEVER_REFUSE)
    if benchlib.database_exists(options.database):
        benchlib.run("migrate", ["migrate", "-v0"], env)  # an empty database: ensure_database reads its tables
    benchlib.ensure_database(options.database, voters=options.voters, precincts=options.precincts, env=env,
                             register=None)
    pins_file = OUT / f"sms-kannel-pins-{options.voters}.txt"
    benchlib.sample_pins(options.database, 2_000, pins_file, seed=2)
    pins = pins_file.read_text().split()
    psql(options.database, "TRUNCATE messaging_inboundsms, messaging_outboundsms")
    print(f"machine: {os.cpu_count()} cores; database {options.database}; load average {benchlib.load()}", flush=True)

    base = f"http://127.0.0.1:{options.port}"
    command = benchlib.gunicorn_command(port=options.port, workers=options.workers, threads=options.gthreads)
    with benchlib.gunicorn(command, env, log=OUT / "sms-kannel-gunicorn.log", probe=f"{base}/sms/kannel") as master, \
            tempfile.TemporaryDirectory(prefix="shailoo-kannel-bench-") as work:
        benchlib.flush_redis(REDIS_URL)
        sms_webhooks.wrk(base, "kannel", pins_file, "warm", duration=3, connections=options.connections, threads=1,
                         master_pid=master)
        alone = sms_webhooks.wrk(base, "kannel", pins_file, "alone", duration=options.duration,
                                 connections=options.connections, threads=1, master_pid=master)
        print(f"  webhook alone (wrk, {options.connections} connections): {alone['rps']:7.0f} answered/s   "
              f"p99 {alone['p99_us'] / 1000:.1f} ms   non-2xx {alone['non2xx']}   gunicorn CPU {alone['cpu_ms']:.2f} "
              f"ms/message   load average before {alone['load_before']}, after {alone['load_after']}", flush=True)
        kannel = Kannel(shailoo_url=base, secret=SECRET, work_dir=Path(work), smsbox_log_level=1).start()
        try:
            through = end_to_end(kannel, pins, messages=options.messages, master_pid=master)
        finally:
            kannel.stop()
        print(f"  through Kannel (fakesmsc -i 0, {options.messages} SMS): {through['rate']:7.0f} answered/s   "
              f"{through['answered']} answered in {through['seconds']:.1f} s   gunicorn CPU {through['web_ms']:.2f} "
              f"ms/message, bearerbox + smsbox + fakesmsc {through['gateway_ms']:.2f} ms/message   "
              f"load average before {through['load_before']}, after {through['load_after']}", flush=True)
    stored = psql(options.database, "SELECT outcome || '=' || count(*) FROM messaging_inboundsms "
                                    "WHERE gateway = 'kannel' GROUP BY outcome ORDER BY 1")
    print(f"answers stored: {' '.join(stored.split())}")
    share = through["gateway_ms"] / max(through["gateway_ms"] + through["web_ms"], 1e-9)
    print(f"\nsummary: end to end {through['rate']:.0f}/s = {through['rate'] / alone['rps']:.0%} of the webhook alone "
          f"({alone['rps']:.0f}/s); Kannel's share of the CPU per message {share:.0%}")
    print(f"reproduce: flock /tmp/shailoo-bench.lock .venv/bin/python bench/sms_kannel.py --voters {options.voters} "
          f"--messages {options.messages} --workers {options.workers} --gthreads {options.gthreads} "
          f"--duration {options.duration} --connections {options.connections} --database {options.database}")


if __name__ == "__main__":
    main()
