# SPDX-License-Identifier: Apache-2.0
"""Mutation testing of the pure core: `make mutation [MODULE=rules/pin.py] [JOBS=n]` (docs/testing.md).

Runs mutmut from a fresh copy (mutmut keeps no track of changed tests, so a cached verdict could be stale),
then prints each module's score and every mutant that was not killed, saying which of them docs/testing.md
lists as equivalent. Exits 1 when a surviving mutant is not listed there, so the list stays true.
"""
import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "src" / "shailoo"
CORE = ("rules", "crypto")
DOC = ROOT / "docs" / "testing.md"
# mutmut's exit codes of a mutant's test run (mutmut.stats.status_by_exit_code), by what they mean here.
KILLED = {1: "killed", 3: "killed"}
TIMEOUT = {36, -24, 24, 152, 255}
SURVIVED = {0: "survived", 5: "no tests", 33: "no tests"}
_MUTANT = re.compile(r"`(shailoo\.[^`\s]+__mutmut_\d+)`")


def module_glob(module: str) -> str:
    """'rules/pin.py', 'rules/pin', 'shailoo.rules.pin' or 'rules' as mutmut's pattern of mutant names."""
    dotted = module.removesuffix(".py").replace("/", ".").removeprefix("shailoo.")
    path = PACKAGE.joinpath(*dotted.split("."))
    if dotted.split(".")[0] not in CORE or not (path.is_dir() or path.with_suffix(".py").is_file()):
        raise SystemExit(f"MODULE={module}: not a module of the pure core (src/shailoo/rules, src/shailoo/crypto)")
    return f"shailoo.{dotted}.*"


def status(exit_code: int | None) -> str:
    if exit_code in KILLED or exit_code in TIMEOUT:
        return "killed" if exit_code in KILLED else "timeout"
    if exit_code in SURVIVED:
        return SURVIVED[exit_code]
    return "not checked" if exit_code is None else f"suspicious (exit {exit_code})"


def documented_equivalents() -> set[str]:
    return set(_MUTANT.findall(DOC.read_text(encoding="utf-8"))) if DOC.exists() else set()


def report(pattern: str | None) -> int:
    equivalents = documented_equivalents()
    rows, undocumented, not_killed = [], [], []
    for meta in sorted((ROOT / "mutants" / "src" / "shailoo").rglob("*.py.meta")):
        module = "shailoo." + ".".join(meta.relative_to(ROOT / "mutants" / "src" / "shailoo").parts)[: -len(".py.meta")]
        if pattern is not None and not (module + ".").startswith(pattern[:-1]):
            continue
        verdicts = {
            name: status(code) for name, code in json.loads(meta.read_text())["exit_code_by_key"].items()
            if pattern is None or name.startswith(pattern[:-1])
        }
        if not verdicts or all(verdict == "not checked" for verdict in verdicts.values()):
            continue
        counts = Counter(verdicts.values())
        tested = len(verdicts) - counts["not checked"]
        detected = counts["killed"] + counts["timeout"]
        rows.append((module, len(verdicts), detected, len(verdicts) - detected - counts["not checked"], tested))
        for name, verdict in sorted(verdicts.items()):
            if verdict not in ("killed", "timeout", "not checked"):  # a partial run leaves some unchecked
                listed = name in equivalents
                not_killed.append(f"  {'equivalent' if listed else 'NOT LISTED':10}  {verdict:12}  {name}")
                if not listed:
                    undocumented.append(name)
    if not rows:
        print("no mutant was tested")
        return 1
    print(f"\n{'module':34} {'mutants':>8} {'tested':>7} {'killed':>7} {'left':>5} {'score':>8}")
    for module, total, detected, left, tested in rows:
        print(f"{module:34} {total:8} {tested:7} {detected:7} {left:5} {100 * detected / max(tested, 1):7.1f}%")
    total_tested = sum(row[4] for row in rows)
    total_detected = sum(row[2] for row in rows)
    print(f"{'all':34} {sum(row[1] for row in rows):8} {total_tested:7} {total_detected:7} "
          f"{sum(row[3] for row in rows):5} {100 * total_detected / max(total_tested, 1):7.1f}%")
    if not_killed:
        print("\nMutants not killed ('mutmut show NAME' prints one; equivalent = listed in docs/testing.md):")
        print("\n".join(not_killed))
    if undocumented:
        print(f"\n{len(undocumented)} surviving mutants are not listed as equivalent in docs/testing.md: "
              "a test should kill them, or the list should say why no test can.")
        return 1
    return 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("module", nargs="?", default="", help="e.g. rules/pin.py, rules or crypto/verify.py")
    parser.add_argument("--jobs", type=int, default=1, help="mutants tested at once (the machine is shared)")
    parser.add_argument("--report-only", action="store_true", help="print the last run's scores again")
    arguments = parser.parse_args()
    pattern = module_glob(arguments.module) if arguments.module else None
    if not arguments.report_only:
        shutil.rmtree(ROOT / "mutants", ignore_errors=True)
        started = time.monotonic()
        command = [str(Path(sys.executable).parent / "mutmut"), "run", "--max-children", str(arguments.jobs)]
        # Fixed and fewer hypothesis examples per mutant (tests/conftest.py, tests/crypto/strategies.py).
        environment = {**os.environ, "SHAILOO_HYPOTHESIS_PROFILE": "mutation"}
        run = subprocess.run(command + ([pattern] if pattern else []), cwd=ROOT, env=environment, check=False)
        print(f"\nmutmut ran for {time.monotonic() - started:.0f} s with {arguments.jobs} job(s)")
        if run.returncode != 0:
            return run.returncode
    return report(pattern)


if __name__ == "__main__":
    sys.exit(main())
