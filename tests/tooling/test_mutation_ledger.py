# SPDX-License-Identifier: Apache-2.0
"""scripts/mutation.py's ledger of mutation verdicts (docs/testing.md, "The ledger of verdicts"), on small
synthetic checkouts: a mutmut run's mutants/ directory written by hand, and test files whose changes must
keep or drop a recorded verdict."""
import importlib.util
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

SCRIPT = Path(__file__).resolve().parents[2] / "scripts" / "mutation.py"
_spec = importlib.util.spec_from_file_location("mutation_script", SCRIPT)
assert _spec is not None and _spec.loader is not None
mutation = importlib.util.module_from_spec(_spec)
sys.modules["mutation_script"] = mutation  # dataclasses look their module up by name
_spec.loader.exec_module(mutation)

AGE = "shailoo.rules.age"
OLD = f"{AGE}.x_old_enough"
PARSE = f"{AGE}.x_parse"
SOURCE = '''VOTING_AGE = 18


def old_enough(age):
    return age >= VOTING_AGE


def parse(text):
    return int(text)
'''
HELPERS = '''import itertools

_DRAWS = itertools.count(18)
LIMIT = 18
FIRST = next(_DRAWS)


def adult():
    return FIRST


def child():
    return 17
'''
CONFTEST = '''import pytest


@pytest.fixture
def limit():
    return 18


@pytest.fixture
def unused_fixture():
    return 0
'''
TEST = '''import pytest

from shailoo.rules.age import old_enough, parse
from .helpers import adult

EDGE = 18


def test_the_18th_birthday_is_old_enough():
    assert old_enough(adult())


def test_the_limit_fixture(limit):
    assert old_enough(limit)


@pytest.mark.parametrize("text", ["1", "2"])
def test_parse(text):
    assert parse(text) == int(text)
'''
EIGHTEENTH = "tests/rules/test_age.py::test_the_18th_birthday_is_old_enough"
LIMIT = "tests/rules/test_age.py::test_the_limit_fixture"


def write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


def run_mutmut(root: Path, exit_codes: dict[str, int | None], tests: dict[str, list[str]], when: float = 1e9) -> None:
    """What a mutmut 3.8 run leaves in root/mutants: the tests it copied, its stats, each module's meta."""
    mutants = root / "mutants"
    shutil.rmtree(mutants, ignore_errors=True)
    shutil.copytree(root / "tests", mutants / "tests")
    write(mutants / "mutmut-stats.json", json.dumps({
        "tests_by_mangled_function_name": tests, "duration_by_test": {}, "stats_time": 1.0, "function_hashes": {},
    }))
    for module in ("rules/age", "rules/other", "rules/__init__", "crypto/__init__"):
        meta = mutants / "src" / "shailoo" / f"{module}.py.meta"
        codes = {name: code for name, code in exit_codes.items() if module == "rules/age"}
        hashes = mutation.function_hashes((root / "src" / "shailoo" / f"{module}.py").read_text(encoding="utf-8"))
        write(meta, json.dumps({"exit_code_by_key": codes, "hash_by_function_name": hashes, "durations_by_key": {}}))
        os.utime(meta, (when, when))


@pytest.fixture
def checkout(tmp_path: Path) -> Path:
    root = tmp_path / "checkout"
    write(root / "pyproject.toml", '[tool.mutmut]\nsource_paths = ["src/shailoo/rules"]\n'
                                   '[tool.pytest.ini_options]\naddopts = "-q"\n')
    write(root / "src" / "shailoo" / "__init__.py", "")
    write(root / "src" / "shailoo" / "rules" / "__init__.py", "")
    write(root / "src" / "shailoo" / "rules" / "age.py", SOURCE)
    write(root / "src" / "shailoo" / "rules" / "other.py", "LIMIT = 1\n")
    write(root / "src" / "shailoo" / "crypto" / "__init__.py", "")
    write(root / "src" / "shailoo" / "crypto" / "native.c", "int x;\n")
    write(root / "tests" / "__init__.py", "")
    write(root / "tests" / "conftest.py", "import pytest\n")
    write(root / "tests" / "rules" / "__init__.py", "")
    write(root / "tests" / "rules" / "conftest.py", CONFTEST)
    write(root / "tests" / "rules" / "helpers.py", HELPERS)
    write(root / "tests" / "rules" / "test_age.py", TEST)
    return root


def recorded(root: Path, exit_codes: dict[str, int | None], tests: dict[str, list[str]]):
    run_mutmut(root, exit_codes, tests)
    ledger = mutation.Ledger()
    mutation.record(ledger, root, root)
    shutil.rmtree(root / "mutants")  # the verdicts now live in the ledger only
    return ledger


def edit(root: Path, relative: str, old: str, new: str) -> None:
    path = root / relative
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new), encoding="utf-8")


def verdict(ledger, root: Path, name: str):
    return mutation.Judge(ledger, root).judge(name)


def test_a_recorded_verdict_counts_and_the_report_counts_every_mutant_of_the_module(checkout, capsys):
    ledger = recorded(checkout, {f"{OLD}__mutmut_1": 1, f"{OLD}__mutmut_2": 0, f"{PARSE}__mutmut_1": None},
                      {OLD: [EIGHTEENTH], PARSE: []})
    assert verdict(ledger, checkout, f"{OLD}__mutmut_1") == mutation.Judged("killed")
    assert verdict(ledger, checkout, f"{OLD}__mutmut_2") == mutation.Judged("survived")
    assert verdict(ledger, checkout, f"{PARSE}__mutmut_1") == mutation.Judged(None)  # not checked: not recorded
    assert f"{PARSE}__mutmut_1" not in ledger.verdicts

    assert mutation.report(None, ledger, checkout) == 1  # the survivor is not listed as equivalent
    lines = capsys.readouterr().out.splitlines()
    row = next(line for line in lines if line.startswith(AGE)).split()
    # mutants, tested, killed, left, score, stale, untested
    assert row[1:] == ["3", "2", "1", "1", "50.0%", "0", "1"]
    assert f"  NOT LISTED  survived      {OLD}__mutmut_2" in lines

    write(checkout / "docs" / "testing.md", f"- `{OLD}__mutmut_2`: no input tells it from the code.\n")
    assert mutation.report(None, ledger, checkout) == 0
    assert f"  equivalent  survived      {OLD}__mutmut_2" in capsys.readouterr().out.splitlines()


def test_a_changed_source_anywhere_in_the_mutated_package_drops_its_verdicts(checkout):
    ledger = recorded(checkout, {f"{OLD}__mutmut_1": 1}, {OLD: [EIGHTEENTH]})
    edit(checkout, "src/shailoo/rules/other.py", "LIMIT = 1", "LIMIT = 2")
    assert verdict(ledger, checkout, f"{OLD}__mutmut_1") == mutation.Judged(None, stale="source")


def test_the_report_counts_stale_verdicts_and_says_what_changed(checkout, capsys):
    ledger = recorded(checkout, {f"{OLD}__mutmut_1": 1, f"{OLD}__mutmut_2": 1, f"{PARSE}__mutmut_1": 1},
                      {OLD: [EIGHTEENTH], PARSE: ["tests/rules/test_age.py::test_parse[1]"]})
    edit(checkout, "tests/rules/test_age.py", '["1", "2"]', '["1", "2", "3"]')
    mutation.report(None, ledger, checkout)
    out = capsys.readouterr().out
    assert next(line for line in out.splitlines() if line.startswith(AGE)).split()[1:] == [
        "3", "2", "2", "0", "100.0%", "1", "0"]
    assert "Stale, by what changed since the verdict was recorded: tests 1" in out


def test_a_change_in_the_other_package_keeps_them(checkout):
    ledger = recorded(checkout, {f"{OLD}__mutmut_1": 1}, {OLD: [EIGHTEENTH]})
    edit(checkout, "src/shailoo/crypto/native.c", "int x;", "int y;")
    assert verdict(ledger, checkout, f"{OLD}__mutmut_1") == mutation.Judged("killed")


def test_a_changed_environment_drops_them(checkout):
    ledger = recorded(checkout, {f"{OLD}__mutmut_1": 1}, {OLD: [EIGHTEENTH]})
    edit(checkout, "tests/conftest.py", "import pytest", "import pytest  # the profile changed")
    assert verdict(ledger, checkout, f"{OLD}__mutmut_1").stale == "conftest"
    edit(checkout, "tests/conftest.py", "import pytest  # the profile changed", "import pytest")
    edit(checkout, "pyproject.toml", "-q", "-x")
    assert verdict(ledger, checkout, f"{OLD}__mutmut_1").stale == "config"
    edit(checkout, "pyproject.toml", "-x", "-q")
    assert verdict(ledger, checkout, f"{OLD}__mutmut_1") == mutation.Judged("killed")
    write(checkout / "tests" / "rules" / "__init__.py", "import os\nos.environ['TZ'] = 'Asia/Bishkek'\n")
    assert verdict(ledger, checkout, f"{OLD}__mutmut_1") == mutation.Judged(None, stale="tests")


def test_a_changed_test_that_reached_the_function_drops_a_killed_verdict(checkout):
    ledger = recorded(checkout, {f"{OLD}__mutmut_1": 1}, {OLD: [EIGHTEENTH]})
    edit(checkout, "tests/rules/test_age.py", "assert old_enough(adult())", "assert old_enough(adult()) is True")
    assert verdict(ledger, checkout, f"{OLD}__mutmut_1") == mutation.Judged(None, stale="tests")


def test_a_removed_test_drops_it_and_an_added_one_keeps_it(checkout):
    ledger = recorded(checkout, {f"{OLD}__mutmut_1": 1}, {OLD: [EIGHTEENTH]})
    edit(checkout, "tests/rules/test_age.py", "\n\n@pytest.mark", "\n\ndef test_seventeen():\n    assert True\n\n\n@pytest.mark")
    write(checkout / "tests" / "rules" / "test_more.py", "def test_more():\n    assert True\n")
    assert verdict(ledger, checkout, f"{OLD}__mutmut_1") == mutation.Judged("killed")
    edit(checkout, "tests/rules/test_age.py", "def test_the_18th_birthday_is_old_enough", "def test_renamed")
    assert verdict(ledger, checkout, f"{OLD}__mutmut_1") == mutation.Judged(None, stale="tests")


def test_a_changed_helper_drops_the_verdicts_of_the_tests_that_use_it_and_no_others(checkout):
    ledger = recorded(checkout, {f"{OLD}__mutmut_1": 1, f"{OLD}__mutmut_2": 1}, {OLD: [EIGHTEENTH]})
    ledger_limit = recorded(checkout, {f"{OLD}__mutmut_1": 1}, {OLD: [LIMIT]})
    edit(checkout, "tests/rules/helpers.py", "return 17", "return 16")  # child(): no test uses it
    edit(checkout, "tests/rules/conftest.py", "return 0", "return 1")  # a fixture no test asks for
    edit(checkout, "tests/rules/test_age.py", "EDGE = 18", "EDGE = 19")  # a constant no test uses
    assert verdict(ledger, checkout, f"{OLD}__mutmut_1") == mutation.Judged("killed")
    assert verdict(ledger_limit, checkout, f"{OLD}__mutmut_1") == mutation.Judged("killed")

    edit(checkout, "tests/rules/helpers.py", "return FIRST", "return FIRST + 1")  # adult(): the 18th birthday
    assert verdict(ledger, checkout, f"{OLD}__mutmut_2") == mutation.Judged(None, stale="tests")
    assert verdict(ledger_limit, checkout, f"{OLD}__mutmut_1") == mutation.Judged("killed")
    edit(checkout, "tests/rules/conftest.py", "return 18", "return 21")  # the fixture `limit`
    assert verdict(ledger_limit, checkout, f"{OLD}__mutmut_1") == mutation.Judged(None, stale="tests")


def test_a_value_computed_at_import_depends_on_the_calls_before_it_and_not_on_constants(checkout):
    ledger = recorded(checkout, {f"{OLD}__mutmut_1": 1}, {OLD: [EIGHTEENTH]})
    edit(checkout, "tests/rules/helpers.py", "LIMIT = 18", "LIMIT = 18\nLOWER = 17")  # a constant added
    assert verdict(ledger, checkout, f"{OLD}__mutmut_1") == mutation.Judged("killed")
    edit(checkout, "tests/rules/helpers.py", "LOWER = 17", "ZERO = next(_DRAWS)")  # FIRST becomes 19
    assert verdict(ledger, checkout, f"{OLD}__mutmut_1") == mutation.Judged(None, stale="tests")


def test_a_helper_module_imported_whole_counts_whole(checkout):
    edit(checkout, "tests/rules/test_age.py", "from .helpers import adult", "from . import helpers\nadult = helpers.adult")
    ledger = recorded(checkout, {f"{OLD}__mutmut_1": 1}, {OLD: [EIGHTEENTH]})
    edit(checkout, "tests/rules/helpers.py", "return 17", "return 16")
    assert verdict(ledger, checkout, f"{OLD}__mutmut_1") == mutation.Judged(None, stale="tests")


def test_parametrised_ids_are_their_function(checkout):
    ids = ["tests/rules/test_age.py::test_parse[1]", "tests/rules/test_age.py::test_parse[2]"]
    ledger = recorded(checkout, {f"{PARSE}__mutmut_1": 1}, {PARSE: ids})
    [recorded_verdict] = ledger.verdicts[f"{PARSE}__mutmut_1"]
    assert [test for test, _ in recorded_verdict.tests] == ["tests/rules/test_age.py::test_parse"]
    edit(checkout, "tests/rules/test_age.py", '["1", "2"]', '["1", "2", "3"]')  # a parameter added
    assert verdict(ledger, checkout, f"{PARSE}__mutmut_1") == mutation.Judged(None, stale="tests")


def test_a_survivor_is_kept_but_marked_for_a_re_test_when_its_module_s_tests_change(checkout, capsys):
    ledger = recorded(checkout, {f"{OLD}__mutmut_2": 0, f"{PARSE}__mutmut_1": 33}, {OLD: [EIGHTEENTH], PARSE: []})
    assert verdict(ledger, checkout, f"{OLD}__mutmut_2") == mutation.Judged("survived")
    assert verdict(ledger, checkout, f"{PARSE}__mutmut_1") == mutation.Judged("no tests")
    write(checkout / "tests" / "rules" / "test_other.py", "def test_other():\n    assert True\n")  # reaches nothing
    assert verdict(ledger, checkout, f"{OLD}__mutmut_2") == mutation.Judged("survived")
    write(checkout / "tests" / "rules" / "test_age_more.py", "from shailoo.rules import age\n")  # a new file for it
    assert verdict(ledger, checkout, f"{OLD}__mutmut_2") == mutation.Judged("survived", retest=True)
    (checkout / "tests" / "rules" / "test_age_more.py").unlink()
    assert verdict(ledger, checkout, f"{OLD}__mutmut_2") == mutation.Judged("survived")

    edit(checkout, "tests/rules/test_age.py", "\n\n@pytest.mark", "\n\ndef test_new():\n    assert parse('3') == 3\n\n\n@pytest.mark")
    assert verdict(ledger, checkout, f"{OLD}__mutmut_2") == mutation.Judged("survived", retest=True)
    assert verdict(ledger, checkout, f"{PARSE}__mutmut_1") == mutation.Judged("no tests", retest=True)
    mutation.report(None, ledger, checkout)
    assert f"  NOT LISTED  survived      {OLD}__mutmut_2 (re-test: its tests changed)" in capsys.readouterr().out


def test_the_ledger_is_deterministic_and_reads_back_the_same(checkout):
    codes = {f"{OLD}__mutmut_{n}": n % 2 for n in range(1, 12)} | {f"{PARSE}__mutmut_1": 1}
    tests = {OLD: [EIGHTEENTH, LIMIT], PARSE: ["tests/rules/test_age.py::test_parse[1]"]}
    first = recorded(checkout, codes, tests).dumps()
    second = recorded(checkout, dict(reversed(codes.items())), {k: v[::-1] for k, v in reversed(tests.items())}).dumps()
    assert first == second
    path = checkout / "ledger.json"
    path.write_text(first, encoding="utf-8")
    assert mutation.Ledger.load(path).dumps() == first
    data = json.loads(first)
    assert [entry["functions"] for entry in data["modules"][AGE].values()] == [{"x_old_enough": 11, "x_parse": 1}]
    assert len(data["tests"]) == 3  # each test once, referred to by index from the verdicts
    assert data["verdicts"][OLD]["1"][0][0] == "killed" and data["verdicts"][OLD]["2"][0][0] == "survived"


def test_a_newer_verdict_replaces_an_older_one_and_not_the_other_way(checkout):
    ledger = mutation.Ledger()
    run_mutmut(checkout, {f"{OLD}__mutmut_1": 0}, {OLD: [EIGHTEENTH]}, when=2e9)
    mutation.record(ledger, checkout, checkout)
    run_mutmut(checkout, {f"{OLD}__mutmut_1": 1}, {OLD: [EIGHTEENTH]}, when=1e9)
    mutation.record(ledger, checkout, checkout)
    assert [v.verdict for v in ledger.verdicts[f"{OLD}__mutmut_1"]] == ["survived"]
    run_mutmut(checkout, {f"{OLD}__mutmut_1": 1}, {OLD: [EIGHTEENTH]}, when=3e9)
    mutation.record(ledger, checkout, checkout)
    assert [v.verdict for v in ledger.verdicts[f"{OLD}__mutmut_1"]] == ["killed"]


def test_only_the_mutants_without_a_valid_verdict_are_run_by_name_or_by_function(checkout):
    codes = {f"{OLD}__mutmut_1": 1, f"{OLD}__mutmut_2": None, f"{PARSE}__mutmut_1": None, f"{PARSE}__mutmut_2": None}
    ledger = recorded(checkout, codes, {OLD: [EIGHTEENTH], PARSE: []})
    judge = mutation.Judge(ledger, checkout)
    assert mutation.wanted(judge, "shailoo.rules.age.*") == [f"{OLD}__mutmut_2", f"{PARSE}__mutmut_*", f"*{PARSE}"]
    assert mutation.wanted(judge, "shailoo.rules.other.*") == []  # no mutant (its meta would list none)
    edit(checkout, "src/shailoo/rules/age.py", "int(text)", "int(text, 10)")  # the names may change: the module
    assert mutation.wanted(mutation.Judge(ledger, checkout), "shailoo.rules.age.*") == ["shailoo.rules.age.x*"]


def test_the_command_records_another_checkout_s_run_and_lists_what_is_left(checkout, tmp_path):
    run_mutmut(checkout, {f"{OLD}__mutmut_1": 1, f"{OLD}__mutmut_2": None}, {OLD: [EIGHTEENTH]})
    ledger = tmp_path / "ledger.json"
    command = [sys.executable, str(SCRIPT), "--ledger", str(ledger), "--root", str(checkout)]
    done = subprocess.run([*command, "--record"], capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip().endswith("1 killed, 1 not checked (not recorded)")
    shutil.rmtree(checkout / "mutants")
    untested = subprocess.run([*command, "--untested"], capture_output=True, text=True, check=True).stdout.split()
    assert untested == [f"{OLD}__mutmut_2"]
    edit(checkout, "src/shailoo/rules/age.py", "int(text)", "int(text, 10)")  # its names are not known now
    untested = subprocess.run([*command, "--untested"], capture_output=True, text=True, check=True).stdout.split()
    assert untested == ["shailoo.rules.age.x*"]
    data = json.loads(ledger.read_text())
    assert data["verdicts"][OLD] == {"1": [["killed", 0, 0, 0, 0]]} and data["times"] == ["2001-09-09T01:46:40Z"]


def test_the_report_counts_what_mutants_holds_without_writing_the_ledger(checkout, tmp_path, capsys):
    run_mutmut(checkout, {f"{OLD}__mutmut_1": 1, f"{OLD}__mutmut_2": -11, f"{PARSE}__mutmut_1": None},
               {OLD: [EIGHTEENTH]})
    ledger = tmp_path / "ledger.json"
    command = [sys.executable, str(SCRIPT), "--ledger", str(ledger), "--root", str(checkout), "--report-only"]
    out = subprocess.run(command, capture_output=True, text=True, check=True).stdout
    assert next(line for line in out.splitlines() if line.startswith(AGE)).split()[1:] == [
        "3", "2", "2", "0", "100.0%", "0", "1"]  # the crash counts as detected
    assert not ledger.exists()


def test_a_run_whose_source_changed_since_is_not_recorded_against_the_new_source(checkout, capsys):
    run_mutmut(checkout, {f"{OLD}__mutmut_1": 1, f"{PARSE}__mutmut_1": 1}, {OLD: [EIGHTEENTH], PARSE: []})
    edit(checkout, "src/shailoo/rules/age.py", "int(text)", "int(text, 10)")
    ledger = mutation.Ledger()
    assert mutation.record(ledger, checkout, checkout)["of a changed source (not recorded)"] == 2
    assert ledger.verdicts == {}
    assert "src/shailoo/rules: changed since mutmut generated its mutants" in capsys.readouterr().err


def test_the_function_hashes_are_mutmut_s():
    source = "VOTING_AGE = 18\n\n\ndef old_enough(age):\n    return age >= VOTING_AGE\n\n\n" \
             "class Voter:\n    def adult(self):\n        return old_enough(self.age)\n"
    # mutmut 3.8.1's hash_by_function_name of this source (mutmut.mutation.file_mutation.compute_function_hashes)
    assert mutation.function_hashes(source) == {"x_old_enough": "6f53691646d5", "xǁVoterǁadult": "fdb3ecbf888c"}


def test_a_verdict_measured_on_another_source_is_kept_beside_the_one_that_counts_here(checkout, tmp_path):
    ledger = recorded(checkout, {f"{OLD}__mutmut_1": 1}, {OLD: [EIGHTEENTH]})
    elsewhere = tmp_path / "elsewhere"
    shutil.copytree(checkout, elsewhere)
    edit(elsewhere, "src/shailoo/rules/other.py", "LIMIT = 1", "LIMIT = 2")  # an older or newer checkout
    run_mutmut(elsewhere, {f"{OLD}__mutmut_1": 0}, {OLD: [EIGHTEENTH]}, when=2e9)
    mutation.record(ledger, elsewhere, checkout)
    assert len(ledger.verdicts[f"{OLD}__mutmut_1"]) == 2
    assert verdict(ledger, checkout, f"{OLD}__mutmut_1") == mutation.Judged("killed")
    assert verdict(ledger, elsewhere, f"{OLD}__mutmut_1") == mutation.Judged("survived")  # once merged there
    assert len(ledger.modules[AGE]) == 1  # age.py is the same in both

    third = tmp_path / "third"
    shutil.copytree(elsewhere, third)
    edit(third, "src/shailoo/rules/other.py", "LIMIT = 2", "LIMIT = 3")
    run_mutmut(third, {f"{OLD}__mutmut_1": 1}, {OLD: [EIGHTEENTH]}, when=3e9)
    mutation.record(ledger, third, checkout)  # replaces elsewhere's, keeps the one that counts here
    assert verdict(ledger, elsewhere, f"{OLD}__mutmut_1") == mutation.Judged(None, stale="source")
    assert verdict(ledger, checkout, f"{OLD}__mutmut_1") == mutation.Judged("killed")
    assert len(ledger.verdicts[f"{OLD}__mutmut_1"]) == 2


def test_make_mutation_runs_mutmut_only_on_the_mutants_without_a_valid_verdict_and_records_them(checkout, tmp_path):
    """scripts/mutation.py as `make mutation` runs it, with a stand-in for mutmut (the `mutmut` next to the
    interpreter) that notes its arguments and leaves the mutants/ of a run."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    (bin_dir / "python").symlink_to(sys.executable)
    write(bin_dir / "mutmut", f"#!{sys.executable}\n"
          "import json, os, shutil, sys\n"
          "json.dump(sys.argv[1:], open('mutmut-arguments.json', 'w'))\n"
          "assert not os.path.exists('mutants'), 'mutants/ was not deleted first'\n"
          f"shutil.copytree({str(tmp_path / 'the-run')!r}, 'mutants')\n")
    (bin_dir / "mutmut").chmod(0o755)
    command = [str(bin_dir / "python"), str(SCRIPT), "--ledger", str(tmp_path / "ledger.json"), "--root", str(checkout)]
    run_mutmut(checkout, {f"{OLD}__mutmut_1": 1, f"{OLD}__mutmut_2": None, f"{PARSE}__mutmut_1": None,
                          f"{PARSE}__mutmut_2": None}, {OLD: [EIGHTEENTH], PARSE: []})
    subprocess.run([*command, "--record"], capture_output=True, check=True)
    run_mutmut(checkout, {f"{OLD}__mutmut_1": None, f"{OLD}__mutmut_2": 1, f"{PARSE}__mutmut_1": 0,
                          f"{PARSE}__mutmut_2": 1}, {OLD: [EIGHTEENTH], PARSE: [EIGHTEENTH]}, when=2e9)
    shutil.move(checkout / "mutants", tmp_path / "the-run")
    write(checkout / "mutants" / "left.txt", "what an earlier run left, without its stats")

    done = subprocess.run([*command, "rules"], capture_output=True, text=True, check=False)
    assert json.loads((checkout / "mutmut-arguments.json").read_text()) == [
        "run", "--max-children", "1", f"{OLD}__mutmut_2", f"{PARSE}__mutmut_*", f"*{PARSE}",
    ], done.stdout + done.stderr
    assert "recorded in ledger.json from this run: 2 killed, 1 not checked (not recorded), 1 survived" in done.stdout
    row = next(line for line in done.stdout.splitlines() if line.startswith(AGE)).split()
    assert row[1:] == ["4", "4", "3", "1", "75.0%", "0", "0"]
    assert done.returncode == 1  # the survivor is not listed as equivalent

    again = subprocess.run([*command, "rules"], capture_output=True, text=True, check=False)
    assert "every mutant has a verdict that counts: nothing to run" in again.stdout
