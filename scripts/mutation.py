# SPDX-License-Identifier: Apache-2.0
"""Mutation testing of the pure core: `make mutation [MODULE=rules/pin.py] [JOBS=n]` (docs/testing.md).

Verdicts accumulate across sessions in docs/mutation-ledger.json. A recorded verdict counts only while what
it depends on is unchanged (docs/testing.md, "The ledger of verdicts"): the environment and the source of the
mutated package, and, for a killed mutant, the tests that reached the mutated function. `make mutation` runs
mutmut (from a fresh mutants/) only on the mutants without a valid verdict, records the new verdicts in the
ledger, then prints each module's score over all its mutants and every mutant that was not killed, saying
which of them docs/testing.md lists as equivalent. Exits 1 when a surviving mutant is not listed there.

    scripts/mutation.py [MODULE] [--jobs N] [--fresh]   run mutmut, record, report
    scripts/mutation.py --report-only [MODULE]          report the ledger (and mutants/, if there)
    scripts/mutation.py --untested [MODULE]             the names that still want a verdict, one a line
    scripts/mutation.py --record [--root DIR]           merge DIR/mutants/'s verdicts into the ledger
"""
from __future__ import annotations

import argparse
import ast
import hashlib
import importlib.metadata
import json
import os
import platform
import re
import shutil
import signal
import subprocess
import sys
import time
import tomllib
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "src" / "shailoo"
CORE = ("rules", "crypto")
DOC = ROOT / "docs" / "testing.md"
LEDGER = ROOT / "docs" / "mutation-ledger.json"
FORMAT = 3
# The version of how a test's closure is hashed (TestTree): a verdict recorded by another counts as stale.
CLOSURE = "1"
# mutmut's exit codes of a mutant's test run (mutmut.stats.status_by_exit_code), by what they mean here.
KILLED = {1: "killed", 3: "killed"}
TIMEOUT = {36, -24, 24, 152, 255}
SURVIVED = {0: "survived", 5: "no tests", 33: "no tests"}
# A crash of the tests (mutmut's "segfault": a mutant of group.py handing libdecaf a bad pointer) is noticed
# by anyone who runs them, as a failing test is.
DETECTED = ("killed", "timeout", "crash")
# The test process killed by a signal: SIGABRT (glibc on a double free), SIGBUS, SIGKILL, SIGSEGV.
CRASH = {-6, -7, -9, -11}
_MUTANT = re.compile(r"`(shailoo\.[^`\s]+__mutmut_\d+)`")
_NAME = re.compile(r"^(?P<function>.+)__mutmut_(?P<number>\d+)$")


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
    if exit_code in CRASH:
        return "crash"
    return "not checked" if exit_code is None else f"suspicious (exit {exit_code})"


def documented_equivalents(root: Path = ROOT) -> set[str]:
    doc = root / DOC.relative_to(ROOT)
    return set(_MUTANT.findall(doc.read_text(encoding="utf-8"))) if doc.exists() else set()


def function_of(name: str) -> str:
    """A mutant's mangled function (mutmut's key of tests_by_mangled_function_name): `pkg.mod.x_f`."""
    return name.partition("__mutmut_")[0]


def module_of(name: str) -> str:
    """`shailoo.rules.pin` of `shailoo.rules.pin.x_pin_matches__mutmut_3` or of `…pin.xǁPinInfoǁf__mutmut_1`."""
    parts = function_of(name).split(".")
    for index in range(len(parts) - 1, -1, -1):
        if parts[index].startswith(("x_", "xǁ")):
            return ".".join(parts[:index])
    return ".".join(parts[:-1])


def package_of(module: str) -> str:
    return module.split(".")[1]


def _sha(*parts: bytes | str) -> str:
    digest = hashlib.sha256()
    for part in parts:
        data = part.encode() if isinstance(part, str) else part
        digest.update(len(data).to_bytes(8, "big") + data)
    return digest.hexdigest()[:20]


# ---------------------------------------------------------------------------------------------------------
# The closure of a test: its source and everything of the test tree it uses, by name.

@dataclass
class _Module:
    """A parsed Python file of the test tree: its top-level statements and what each binds and uses."""
    relative: str
    statements: list[str] = field(default_factory=list)
    uses: list[set[str]] = field(default_factory=list)
    bound: dict[str, list[int]] = field(default_factory=lambda: defaultdict(list))
    imports: dict[str, tuple[str, str | None]] = field(default_factory=dict)
    star_imports: list[str] = field(default_factory=list)
    always: list[int] = field(default_factory=list)
    calls: list[int] = field(default_factory=list)  # statements other than definitions that call something


def _used_names(node: ast.AST) -> set[str]:
    """Every name a statement uses: names read, parameters (fixtures are requested by parameter name) and
    strings (usefixtures("x"), parametrize(..., indirect=True), getfixturevalue("x"))."""
    names: set[str] = set()
    for child in ast.walk(node):
        if isinstance(child, ast.Name):
            names.add(child.id)
        elif isinstance(child, ast.arg):
            names.add(child.arg)
        elif isinstance(child, ast.Constant) and isinstance(child.value, str) and child.value.isidentifier():
            names.add(child.value)
        elif isinstance(child, ast.Attribute):
            names.add(child.attr)  # `module.name` of a module imported whole reaches `name`
    return names


def _bound_names(node: ast.stmt) -> set[str]:
    if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
        return {node.name}
    names: set[str] = set()
    for child in ast.walk(node):
        if isinstance(child, ast.Name) and isinstance(child.ctx, ast.Store):
            names.add(child.id)
        elif isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            names.add(child.name)
    return names


def _is_always(node: ast.stmt, bound: set[str]) -> bool:
    """A statement that acts on every test of its module whether or not a test names it."""
    if isinstance(node, ast.Expr):
        return not (isinstance(node.value, ast.Constant) and isinstance(node.value.value, str))  # a docstring
    if isinstance(node, (ast.If, ast.Try, ast.With, ast.For, ast.While)):
        return True
    if bound & {"pytestmark", "collect_ignore", "collect_ignore_glob", "pytest_plugins"}:
        return True
    if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
        if node.name.startswith("pytest_"):  # a hook
            return True
        return any("autouse" in ast.unparse(decorator) for decorator in node.decorator_list)
    return False


class TestTree:
    """The test files of a checkout (DIR/mutants/tests when mutmut copied them there: the tests that ran),
    and the closure hash of each test function."""

    def __init__(self, base: Path) -> None:
        self.base = base
        self._modules: dict[str, _Module | None] = {}
        self._closures: dict[tuple[str, str], str] = {}
        self._digests: dict[str, str] = {}

    def _parse(self, relative: str) -> _Module | None:
        if relative not in self._modules:
            path = self.base / relative
            module: _Module | None = None
            if path.is_file():
                source = path.read_text(encoding="utf-8")
                module = _Module(relative)
                package = relative.rpartition("/")[0].replace("/", ".")
                for node in ast.parse(source).body:
                    if isinstance(node, (ast.Import, ast.ImportFrom)):
                        self._bind_import(module, node, package)
                        continue
                    index = len(module.statements)
                    start = min([node.lineno] + [d.lineno for d in getattr(node, "decorator_list", [])])
                    module.statements.append("\n".join(source.splitlines()[start - 1: node.end_lineno]))
                    module.uses.append(_used_names(node))
                    bound = _bound_names(node)
                    for name in bound:
                        module.bound[name].append(index)
                    if _is_always(node, bound):
                        module.always.append(index)
                    if not isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)) and any(
                        isinstance(child, ast.Call) for child in ast.walk(node)
                    ):
                        module.calls.append(index)
            self._modules[relative] = module
        return self._modules[relative]

    @staticmethod
    def _bind_import(module: _Module, node: ast.Import | ast.ImportFrom, package: str) -> None:
        if isinstance(node, ast.Import):
            for alias in node.names:
                if alias.asname:
                    module.imports[alias.asname] = (alias.name, None)
                else:
                    module.imports[alias.name.split(".")[0]] = (alias.name, None)
            return
        source = node.module or ""
        if node.level:
            parent = package.split(".")[: len(package.split(".")) - node.level + 1] if package else []
            source = ".".join(parent + ([source] if source else []))
        for alias in node.names:
            if alias.name == "*":
                module.star_imports.append(source)
            else:
                module.imports[alias.asname or alias.name] = (source, alias.name)

    def _file_of(self, dotted: str) -> str | None:
        """The test tree's file of a dotted module name, or None (the library, shailoo's own source)."""
        relative = dotted.replace(".", "/")
        for candidate in (relative + ".py", relative + "/__init__.py"):
            if candidate.startswith("tests/") and (self.base / candidate).is_file():
                return candidate
        return None

    def _conftests(self, relative: str) -> list[str]:
        """The conftest.py files whose fixtures a module of the test tree sees, nearest first."""
        found, folder = [], Path(relative).parent
        while folder.parts:
            if (self.base / folder / "conftest.py").is_file() and str(folder / "conftest.py") != relative:
                found.append(str(folder / "conftest.py"))
            folder = folder.parent
        return found

    def _whole(self, relative: str, seen: dict[tuple[str, int], str]) -> None:
        module = self._parse(relative)
        if module is None:
            return
        for index in range(len(module.statements)):
            self._statement(relative, module, index, seen)
        for name in module.imports:
            self._name(relative, name, seen)
        for star in module.star_imports:
            if (target := self._file_of(star)) is not None:
                self._whole(target, seen)

    def _statement(self, relative: str, module: _Module, index: int, seen: dict[tuple[str, int], str]) -> None:
        if (relative, index) in seen:
            return
        seen[(relative, index)] = module.statements[index]
        for name in module.uses[index]:
            self._name(relative, name, seen)
        if index in module.calls:
            # A value computed at import can depend on every call made before it (keys drawn in turn from one
            # seeded generator, tests/crypto/strategies.py): those statements count too.
            for earlier in module.calls:
                if earlier < index:
                    self._statement(relative, module, earlier, seen)

    def _name(self, relative: str, name: str, seen: dict[tuple[str, int], str], fixtures: bool = True) -> None:
        """What `name` means in the file `relative`: its top-level definition, a definition it imports from
        the test tree, or a fixture of a conftest.py above it."""
        module = self._parse(relative)
        if module is None:
            return
        if name in module.bound:
            for index in module.bound[name]:
                self._statement(relative, module, index, seen)
        elif name in module.imports:
            source, attribute = module.imports[name]
            if attribute is not None and (whole := self._file_of(f"{source}.{attribute}")) is not None:
                self._whole(whole, seen)  # `from tests.crypto import strategies`: the module whole
            elif (target := self._file_of(source)) is not None:
                if attribute is None:
                    self._whole(target, seen)
                else:
                    self._name(target, attribute, seen, fixtures=False)
        else:
            for star in module.star_imports:
                if (target := self._file_of(star)) is not None:
                    self._whole(target, seen)
            if fixtures:
                for conftest in self._conftests(relative):
                    other = self._parse(conftest)
                    if other is not None and name in other.bound:
                        self._name(conftest, name, seen)
                        break

    def closure(self, test_id: str) -> str:
        """The hash of a test function (`tests/x/test_y.py::test_z[params]`, or `::TestClass::test_z`: the
        class whole) with every definition it uses, or "missing" when there is no such file."""
        relative, _, rest = test_id.partition("::")
        name = rest.split("::")[0].split("[")[0]
        key = (relative, name)
        if key not in self._closures:
            module = self._parse(relative)
            if module is None:
                self._closures[key] = "missing"
            else:
                seen: dict[tuple[str, int], str] = {}
                if name in module.bound:
                    self._name(relative, name, seen)
                else:  # a test made at run time (no definition of its name): the file whole
                    self._whole(relative, seen)
                for file in [relative, *self._conftests(relative)]:
                    other = self._parse(file)
                    for index in other.always if other else ():
                        self._statement(file, other, index, seen)  # type: ignore[arg-type]
                for folder in list(Path(relative).parents)[:-1]:  # the packages imported before the module
                    self._whole(str(folder / "__init__.py"), seen)
                parts = sorted(f"{file}\0{text}" for (file, _), text in seen.items())
                self._closures[key] = _sha(*parts)
        return self._closures[key]

    def importers(self, module: str) -> list[str]:
        """The test files that import `module` (`import a.b`, `from a.b import x`, `from a import b`)."""
        parent, _, leaf = module.rpartition(".")
        found = []
        for path in sorted((self.base / "tests").rglob("test_*.py")):
            relative = str(path.relative_to(self.base))
            parsed = self._parse(relative)
            if parsed is not None and any(
                source == module or (source, attribute) == (parent, leaf) for source, attribute in parsed.imports.values()
            ):
                found.append(relative)
        return found

    def digest(self, entry: str) -> str:
        """A test file's digest (file_digest), or for `import:pkg.mod` the list of the test files importing it:
        a new test file for a module marks its survivors for a re-test."""
        if entry.startswith("import:"):
            if entry not in self._digests:
                self._digests[entry] = _sha(*self.importers(entry.removeprefix("import:")))
            return self._digests[entry]
        return self.file_digest(entry)

    def test_functions(self, relative: str) -> list[str]:
        """The test ids (one per function or class) a test file holds now."""
        module = self._parse(relative)
        if module is None:
            return []
        return sorted(f"{relative}::{name}" for name in module.bound if name.startswith(("test", "Test")))

    def file_digest(self, relative: str) -> str:
        """The tests of a file and their closures: changes when a test is added, removed or changed."""
        if relative not in self._digests:
            self._digests[relative] = _sha(*(f"{test}\0{self.closure(test)}" for test in self.test_functions(relative)))
        return self._digests[relative]


def test_function(test_id: str) -> str:
    """`tests/x.py::test_f[a-b]` → `tests/x.py::test_f`; `tests/x.py::TestC::test_f` → `tests/x.py::TestC`."""
    relative, _, rest = test_id.partition("::")
    return f"{relative}::{rest.split('::')[0].split('[')[0]}"


# ---------------------------------------------------------------------------------------------------------
# The environment a verdict depends on.

def _version(distribution: str) -> str:
    try:
        return importlib.metadata.version(distribution)
    except importlib.metadata.PackageNotFoundError:
        return "absent"


def _libdecaf() -> str:
    """The version of Debian's libdecaf0 (src/shailoo/crypto/decaf.py's library; scripts/ensure-libdecaf
    builds the same source for this CPU)."""
    try:
        done = subprocess.run(["dpkg-query", "-W", "-f", "${Version}", "libdecaf0"], capture_output=True, text=True,
                              check=False)
    except OSError:
        return "absent"
    return done.stdout.strip() if done.returncode == 0 else "absent"


def _files_hash(paths: Iterable[Path], base: Path) -> str:
    files = sorted(
        path for path in paths
        if path.is_file() and "__pycache__" not in path.parts and path.suffix not in (".pyc", ".so")
    )
    return _sha(*(part for path in files for part in (str(path.relative_to(base)), path.read_bytes())))


def environment(root: Path, package: str, tests: Path | None = None) -> dict[str, str]:
    """What every verdict on a mutant of `package` depends on besides its tests, for the checkout `root`
    (its tests under `tests`: root by default, root/mutants for the tests a run copied there) and the
    versions of this interpreter."""
    tests = root if tests is None else tests
    pyproject = tomllib.loads((root / "pyproject.toml").read_text(encoding="utf-8"))
    tool = pyproject.get("tool", {})
    also_copy: list[Path] = []
    for entry in tool.get("mutmut", {}).get("also_copy", []):
        path = root / entry
        also_copy.extend(path.rglob("*") if path.is_dir() else [path])
    return {
        "package": package,
        "closure": CLOSURE,
        "mutmut": _version("mutmut"),
        "python": ".".join(platform.python_version_tuple()[:2]),
        "hypothesis": _version("hypothesis"),
        "libdecaf": _libdecaf() if package == "crypto" else "",
        "config": _sha(json.dumps([tool.get("mutmut"), tool.get("pytest")], sort_keys=True)),
        "conftest": _files_hash([tests / "tests" / "conftest.py", tests / "tests" / "__init__.py"], tests),
        "also_copy": _files_hash(also_copy, root),
        "source": _files_hash((root / "src" / "shailoo" / package).rglob("*"), root),
    }


# ---------------------------------------------------------------------------------------------------------
# The ledger.

@dataclass
class Verdict:
    verdict: str  # killed, timeout, survived, no tests
    environment: dict[str, str]
    tests: tuple[tuple[str, str], ...]  # (test function, closure hash) of the tests that reached the function
    files: tuple[tuple[str, str], ...]  # (test file, digest) of the files whose tests reached the module
    time: str  # when mutmut wrote it (UTC): a newer verdict replaces an older one


@dataclass
class ModuleList:
    """Every mutant mutmut generates for a module, at the hash of the module's file."""
    source: str
    mutmut: str
    functions: dict[str, list[int]]
    time: str

    def names(self, module: str) -> list[str]:
        return [f"{module}.{function}__mutmut_{n}" for function, ns in sorted(self.functions.items()) for n in sorted(ns)]


@dataclass
class Ledger:
    # A mutant's verdicts, one per environment: the last recorded, and the one that counts in this checkout.
    verdicts: dict[str, list[Verdict]] = field(default_factory=dict)
    modules: dict[str, dict[str, ModuleList]] = field(default_factory=dict)  # by the hash of the module's file

    @classmethod
    def load(cls, path: Path = LEDGER) -> Ledger:
        if not path.exists():
            return cls()
        data = json.loads(path.read_text(encoding="utf-8"))
        if data.get("format") != FORMAT:
            raise SystemExit(f"{path}: format {data.get('format')}, this script reads {FORMAT}")
        environments, tests, test_sets = data["environments"], data["tests"], data["test_sets"]
        files, file_sets, times = data["files"], data["file_sets"], data["times"]
        ledger = cls()
        for module, versions in data["modules"].items():
            for source, entry in versions.items():
                functions = {name: _expand(numbers) for name, numbers in entry["functions"].items()}
                ledger.modules.setdefault(module, {})[source] = ModuleList(source, entry["mutmut"], functions, entry["time"])
        for function, mutants in data["verdicts"].items():
            for number, entries in mutants.items():
                ledger.verdicts[f"{function}__mutmut_{number}"] = [
                    Verdict(verdict, environments[env], tuple((tests[t][0], tests[t][1]) for t in test_sets[test_set]),
                            tuple((files[f][0], files[f][1]) for f in file_sets[file_set]), times[when])
                    for verdict, env, test_set, file_set, when in entries
                ]
        return ledger

    def dumps(self) -> str:
        """Deterministic JSON: tables of environments, tests and test files referred to by index."""
        every = [v for entries in self.verdicts.values() for v in entries]
        environments = sorted({json.dumps(v.environment, sort_keys=True) for v in every})
        tests = sorted({test for v in every for test in v.tests})
        test_sets = sorted({v.tests for v in every})
        files = sorted({file for v in every for file in v.files})
        file_sets = sorted({v.files for v in every})
        environment_index = {e: i for i, e in enumerate(environments)}
        test_index = {t: i for i, t in enumerate(tests)}
        file_index = {f: i for i, f in enumerate(files)}
        test_set_index = {s: i for i, s in enumerate(test_sets)}
        file_set_index = {s: i for i, s in enumerate(file_sets)}
        times = sorted({v.time for v in every})
        time_index = {t: i for i, t in enumerate(times)}
        verdicts: dict[str, dict[str, list[tuple[str, int, int, int, int]]]] = defaultdict(dict)
        for name, entries in self.verdicts.items():
            function, _, number = name.rpartition("__mutmut_")
            verdicts[function][number] = sorted((
                v.verdict, environment_index[json.dumps(v.environment, sort_keys=True)],
                test_set_index[v.tests], file_set_index[v.files], time_index[v.time],
            ) for v in entries)
        data = {
            "format": FORMAT,
            "environments": [json.loads(e) for e in environments],
            "tests": [list(t) for t in tests],
            "test_sets": [[test_index[t] for t in s] for s in test_sets],
            "files": [list(f) for f in files],
            "file_sets": [[file_index[f] for f in s] for s in file_sets],
            "times": times,
            "modules": {
                module: {
                    source: {"mutmut": m.mutmut, "time": m.time,
                             "functions": {name: _compress(ns) for name, ns in m.functions.items()}}
                    for source, m in versions.items()
                }
                for module, versions in self.modules.items() if versions
            },
            "verdicts": {f: dict(sorted(n.items(), key=lambda item: int(item[0]))) for f, n in verdicts.items()},
        }
        return _dump(data)

    def save(self, path: Path = LEDGER) -> None:
        path.write_text(self.dumps(), encoding="utf-8")


def _compress(numbers: list[int]) -> int | list[int]:
    """1..n as n; anything else as the list."""
    return len(numbers) if numbers == list(range(1, len(numbers) + 1)) else numbers


def _expand(numbers: int | list[int]) -> list[int]:
    return list(range(1, numbers + 1)) if isinstance(numbers, int) else numbers


def _dump(data: object) -> str:
    """Sorted keys; a line per table row, per module and per function, so that a diff shows what changed."""
    def rows(value: object, depth: int) -> str:
        if depth < 2 and isinstance(value, dict) and value:
            inner = ",\n".join(f"{json.dumps(k, ensure_ascii=False)}: {rows(v, depth + 1)}" for k, v in sorted(value.items()))
            return "{\n" + inner + "\n}"
        if depth < 2 and isinstance(value, list) and value:
            return "[\n" + ",\n".join(rows(v, depth + 1) for v in value) + "\n]"
        return json.dumps(value, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return rows(data, 0) + "\n"


# ---------------------------------------------------------------------------------------------------------
# Recording a run.

def _read_json(path: Path) -> Any:
    """A file mutmut may be rewriting while a run goes on (it does not write them atomically): read again."""
    for attempt in range(5):
        try:
            return json.loads(path.read_text(encoding="utf-8"))
        except json.JSONDecodeError:
            if attempt == 4:
                raise
            time.sleep(0.2)
    raise AssertionError("unreachable")


def _mutmut_state(root: Path) -> tuple[dict[str, list[str]], list[tuple[str, Path, dict[str, int | None]]]]:
    """The run's tests by mangled function name, and each module's meta file with its exit codes."""
    mutants = root / "mutants"
    stats_path = mutants / "mutmut-stats.json"
    base = mutants / "src"
    if not stats_path.exists() or not base.is_dir():
        raise SystemExit(f"{mutants}: no mutmut run to record (no mutmut-stats.json, src/shailoo/**.py.meta)")
    tests_by_function: dict[str, list[str]] = _read_json(stats_path)["tests_by_mangled_function_name"]
    metas = []
    for meta in sorted(base.rglob("*.py.meta")):
        parts = meta.relative_to(base).with_suffix("").with_suffix("").parts
        if len(parts) >= 2 and parts[0] == "shailoo" and parts[1] in CORE:
            module = ".".join(parts).removesuffix(".__init__")
            metas.append((module, meta, _read_json(meta)["exit_code_by_key"]))
    return tests_by_function, metas


def function_hashes(source: str) -> dict[str, str]:
    """mutmut 3.8's hash of each function of a module (`hash_by_function_name` of its .py.meta files,
    mutmut.mutation.file_mutation.compute_function_hashes): a changed function has another."""
    hashes: dict[str, str] = {}

    def visit(statements: list[ast.stmt], class_name: str = "") -> None:
        for node in statements:
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                key = f"xǁ{class_name}ǁ{node.name}" if class_name else f"x_{node.name}"
                hashes[key] = hashlib.sha256(ast.dump(node, annotate_fields=False).encode()).hexdigest()[:12]
            elif isinstance(node, ast.ClassDef):
                visit(node.body, f"{class_name}.{node.name}" if class_name else node.name)

    visit(ast.parse(source).body)
    return hashes


def _changed_since_generated(root: Path, metas: list[tuple[str, Path, dict[str, int | None]]]) -> set[str]:
    """The packages of which a mutated function in root/src is no longer what mutmut generated its mutants
    from (the source changed after the run): their verdicts cannot be recorded against root's source."""
    changed = set()
    for module, meta, _ in metas:
        generated: dict[str, str] = _read_json(meta).get("hash_by_function_name", {})
        path = root / "src" / Path(*module.split("."))
        path = path.with_suffix(".py") if path.with_suffix(".py").is_file() else path / "__init__.py"
        now = function_hashes(path.read_text(encoding="utf-8")) if path.is_file() else {}
        if any(now.get(function) != digest for function, digest in generated.items()):
            changed.add(package_of(module))
    return changed


def _stamp(seconds: float) -> str:
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(seconds))


def module_file(root: Path, module: str) -> Path:
    path = root / "src" / Path(*module.split("."))
    return path.with_suffix(".py") if path.with_suffix(".py").is_file() else path / "__init__.py"


def record(ledger: Ledger, root: Path, current: Path | None = ROOT) -> Counter[str]:
    """Merge the tested verdicts of root/mutants into the ledger, hashing root's tests and sources. A newer
    verdict replaces an older one, except one that counts for the checkout `current` (the one whose ledger
    it is) by one that cannot, measured on another source or environment: the ledger keeps both."""
    tests_by_function, metas = _mutmut_state(root)
    here = {package: environment(current, package) for package in CORE} if current is not None else {}
    tests_base = root / "mutants" if (root / "mutants" / "tests").is_dir() else root  # the tests that ran
    tree = TestTree(tests_base)
    environments = {package: environment(root, package, tests_base) for package in CORE}
    mutmut_version = environments[CORE[0]]["mutmut"]
    files_by_module: dict[str, set[str]] = defaultdict(set)
    for function, tests in tests_by_function.items():
        files_by_module[module_of(function + "__mutmut_0")].update(t.partition("::")[0] for t in tests)
    counts: Counter[str] = Counter()
    changed = _changed_since_generated(root, metas)
    for package in sorted(changed):
        print(f"{root / 'src' / 'shailoo' / package}: changed since mutmut generated its mutants (a function is not "
              "what was mutated): its verdicts are not recorded; run mutmut again", file=sys.stderr)
    for module, meta, exit_codes in metas:
        if package_of(module) in changed:
            counts["of a changed source (not recorded)"] += len(exit_codes)
            continue
        when = _stamp(meta.stat().st_mtime)
        source_file = module_file(root, module)
        functions: dict[str, list[int]] = defaultdict(list)
        for name in exit_codes:
            if (match := _NAME.match(name)) is not None:
                functions[match["function"][len(module_of(name)) + 1:]].append(int(match["number"]))
        listed = ModuleList(_files_hash([source_file], root), mutmut_version,
                            {f: sorted(ns) for f, ns in sorted(functions.items())}, when)
        versions = ledger.modules.setdefault(module, {})
        if listed.source not in versions or versions[listed.source].time <= when:
            versions[listed.source] = listed
        keep = {listed.source}
        if current is not None and module_file(current, module).is_file():
            keep.add(_files_hash([module_file(current, module)], current))
        for source in [source for source in versions if source not in keep]:
            del versions[source]  # neither the recorded checkout's module nor this one's
        files = tuple(sorted(
            (file, tree.digest(file)) for file in [*files_by_module.get(module, ()), f"import:{module}"]
        ))
        for name, code in exit_codes.items():
            verdict = status(code)
            if verdict not in (*DETECTED, "survived", "no tests"):
                counts[verdict.split(" (")[0] + " (not recorded)"] += 1
                continue
            reaching = tuple(sorted({
                (test_function(t), tree.closure(t)) for t in tests_by_function.get(function_of(name), ())
            }))
            package = package_of(module)
            entries = ledger.verdicts.setdefault(name, [])
            if any(v.environment == environments[package] and v.time > when for v in entries):
                counts["older than the ledger's (not recorded)"] += 1
                continue
            # The verdict replaces those of other environments, but not the one that counts in this checkout.
            entries[:] = [v for v in entries if here and v.environment == here[package] != environments[package]]
            entries.append(Verdict(verdict, environments[package], reaching, files, when))
            counts[verdict] += 1
    return counts


# ---------------------------------------------------------------------------------------------------------
# What counts now.

@dataclass
class Judged:
    verdict: str | None  # the valid verdict, or None (untested or stale)
    stale: str | None = None  # why a recorded verdict no longer counts
    retest: bool = False  # a survivor whose tests changed since


class Judge:
    """Decides which recorded verdicts count for the checkout at `root` (by default this one)."""

    def __init__(self, ledger: Ledger, root: Path = ROOT) -> None:
        self.ledger = ledger
        self.root = root
        self.tree = TestTree(root)
        self.environments = {package: environment(root, package) for package in CORE}

    def mutants(self, module: str) -> list[str] | None:
        """Every mutant mutmut generates for the module now, or None when the ledger does not know them."""
        path = module_file(self.root, module)
        listed = self.ledger.modules.get(module, {}).get(_files_hash([path], self.root) if path.is_file() else "")
        if listed is None or listed.mutmut != self.environments[CORE[0]]["mutmut"]:
            return None
        return listed.names(module)

    def judge(self, name: str) -> Judged:
        entries = self.ledger.verdicts.get(name)
        if not entries:
            return Judged(None)
        now = self.environments[package_of(module_of(name))]
        recorded = next((v for v in entries if v.environment == now), max(entries, key=lambda v: v.time))
        changed = sorted(key for key in now if recorded.environment.get(key) != now[key])
        if changed:
            return Judged(None, stale=", ".join(changed))
        moved = [test for test, closure in recorded.tests if self.tree.closure(test) != closure]
        if recorded.verdict in DETECTED:
            return Judged(None, stale="tests") if moved else Judged(recorded.verdict)
        retest = bool(moved) or any(self.tree.digest(file) != digest for file, digest in recorded.files)
        return Judged(recorded.verdict, retest=retest)


def modules(pattern: str | None, root: Path = ROOT) -> list[str]:
    """The modules of the pure core (a file of src/shailoo/rules or crypto), in the pattern if one is given."""
    found = []
    for package in CORE:
        for path in sorted((root / "src" / "shailoo" / package).rglob("*.py")):
            module = ".".join(path.relative_to(root / "src").with_suffix("").parts).removesuffix(".__init__")
            if pattern is None or (module + ".").startswith(pattern[:-1]):
                found.append(module)
    return found


def wanted(judge: Judge, pattern: str | None) -> list[str]:
    """mutmut's arguments for every mutant without a valid verdict (and every survivor to re-test): a module's
    glob when none of its mutants has one, a function's glob when none of the function's has, else names."""
    arguments = []
    for module in modules(pattern, judge.root):
        names = judge.mutants(module)
        if names is None:
            arguments.append(f"{module}.x*")  # x_f, xǁClassǁf: not a submodule's
            continue
        by_function: dict[str, list[str]] = defaultdict(list)
        for name in names:
            judged = judge.judge(name)
            if judged.verdict is None or judged.retest:
                by_function[function_of(name)].append(name)
        if sum(map(len, by_function.values())) == len(names) and names:
            arguments.append(f"{module}.x*")  # x_f, xǁClassǁf: not a submodule's
            continue
        for function, untested in sorted(by_function.items()):
            total = sum(1 for name in names if function_of(name) == function)
            # `*pkg.mod.x_f` matches no mutant, only the function in mutmut's table of the tests that reach
            # functions, so that its clean run (the tests must pass unmutated) runs the function's tests too.
            arguments.extend([f"{function}__mutmut_*", f"*{function}"] if len(untested) == total else untested)
    return arguments


def report(pattern: str | None, ledger: Ledger, root: Path = ROOT) -> int:
    """Each module's score over all its mutants, from the valid verdicts of the ledger (with root/mutants's)."""
    odd = []
    if (root / "mutants" / "src").is_dir() and (root / "mutants" / "mutmut-stats.json").exists():
        record(ledger, root, root)  # in memory: the last run counts with what is recorded
        odd = sorted(
            (name, status(code)) for _, _, codes in _mutmut_state(root)[1] for name, code in codes.items()
            if status(code).startswith("suspicious")
        )
    judge = Judge(ledger, root)
    equivalents = documented_equivalents(root)
    rows, undocumented, not_killed, unknown = [], [], [], []
    stale_by_cause: Counter[str] = Counter()
    for module in modules(pattern, root):
        names = judge.mutants(module)
        if names is None:
            if any(module_of(name) == module for name in ledger.verdicts):
                unknown.append(module)
            continue
        if not names:
            continue
        counts: Counter[str] = Counter()
        for name in names:
            judged = judge.judge(name)
            counts[judged.verdict or ("stale" if judged.stale else "untested")] += 1
            if judged.stale:
                stale_by_cause[judged.stale] += 1
            if judged.verdict in ("survived", "no tests"):
                listed = name in equivalents
                mark = " (re-test: its tests changed)" if judged.retest else ""
                not_killed.append(f"  {'equivalent' if listed else 'NOT LISTED':10}  {judged.verdict:12}  {name}{mark}")
                if not listed:
                    undocumented.append(name)
        detected = sum(counts[verdict] for verdict in DETECTED)
        left = counts["survived"] + counts["no tests"]
        rows.append((module, len(names), detected + left, detected, left, counts["stale"], counts["untested"]))
    if not rows:
        print("no module has a verdict that counts" + (f" ({', '.join(unknown)}: source changed)" if unknown else ""))
        return 1
    print(f"\n{'module':34} {'mutants':>8} {'tested':>7} {'killed':>7} {'left':>5} {'score':>8} {'stale':>6} {'untested':>8}")
    for module, total, tested, detected, left, stale, untested in rows:
        print(f"{module:34} {total:8} {tested:7} {detected:7} {left:5} {100 * detected / max(tested, 1):7.1f}% "
              f"{stale:6} {untested:8}")
    sums = [sum(row[i] for row in rows) for i in range(1, 7)]  # type: ignore[misc]
    print(f"{'all':34} {sums[0]:8} {sums[1]:7} {sums[2]:7} {sums[3]:5} {100 * sums[2] / max(sums[1], 1):7.1f}% "
          f"{sums[4]:6} {sums[5]:8}")
    if stale_by_cause:
        print("\nStale, by what changed since the verdict was recorded: "
              + ", ".join(f"{cause} {n}" for cause, n in sorted(stale_by_cause.items())))
    if unknown:
        print(f"\nChanged since their mutants were recorded (every verdict of theirs is stale): {', '.join(unknown)}")
    if odd and pattern is not None:
        odd = [(name, verdict) for name, verdict in odd if name.startswith(pattern[:-1])]
    if odd:
        print("\nEnded otherwise in mutants/, not recorded (untested; 'mutmut show NAME', then a test or a re-run):")
        print("\n".join(f"  {verdict:20}  {name}" for name, verdict in odd))
    if not_killed:
        print("\nMutants not killed ('mutmut show NAME' prints one; equivalent = listed in docs/testing.md):")
        print("\n".join(not_killed))
    if undocumented:
        print(f"\n{len(undocumented)} surviving mutants are not listed as equivalent in docs/testing.md: "
              "a test should kill them, or the list should say why no test can.")
        return 1
    return 0


def _untested_names(judge: Judge, pattern: str | None) -> Iterator[str]:
    for argument in wanted(judge, pattern):
        if argument.endswith(".x*"):
            names = judge.mutants(argument[:-3])
            # A changed module: the names of its mutants are known once mutmut generated them; its glob.
            yield from [argument] if names is None else names
        elif argument.startswith("*"):
            continue
        elif argument.endswith("__mutmut_*"):
            function = argument[: -len("__mutmut_*")]
            yield from (n for n in judge.mutants(module_of(argument)) or () if function_of(n) == function)
        else:
            yield argument


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("module", nargs="?", default="", help="e.g. rules/pin.py, rules or crypto/verify.py")
    parser.add_argument("--jobs", type=int, default=1, help="mutants tested at once (the machine is shared)")
    parser.add_argument("--report-only", action="store_true", help="print the scores of the ledger and mutants/")
    parser.add_argument("--fresh", action="store_true", help="test every mutant of MODULE, whatever the ledger says")
    parser.add_argument("--untested", action="store_true", help="print the mutants without a valid verdict, and survivors to re-test")
    parser.add_argument("--record", action="store_true", help="merge ROOT/mutants's verdicts into the ledger")
    parser.add_argument("--root", type=Path, default=ROOT, help="the checkout whose mutants/ --record reads")
    parser.add_argument("--ledger", type=Path, default=LEDGER, help=argparse.SUPPRESS)
    arguments = parser.parse_args()
    pattern = module_glob(arguments.module) if arguments.module else None
    ledger = Ledger.load(arguments.ledger)
    root = arguments.root.resolve()
    if arguments.record:
        _record_and_save(ledger, root, arguments.ledger, str(root / "mutants"))
        return 0
    if arguments.untested:
        signal.signal(signal.SIGPIPE, signal.SIG_DFL)  # `--untested | head` ends quietly
        for name in _untested_names(Judge(ledger, root), pattern):
            print(name)
        return 0
    if not arguments.report_only:
        if (root / "mutants" / "mutmut-stats.json").exists():
            _record_and_save(ledger, root, arguments.ledger, "left in mutants/ by an earlier run")
        if arguments.fresh:
            targets = [pattern] if pattern else []
        else:
            targets = wanted(Judge(ledger, root), pattern)
            if not targets:
                print("every mutant has a verdict that counts: nothing to run")
                return report(pattern, ledger, root)
        # A fresh mutants/: mutmut keeps no track of changed tests, so its own cached verdicts and its record
        # of which tests reach a function could be stale.
        shutil.rmtree(root / "mutants", ignore_errors=True)
        started = time.monotonic()
        command = [str(Path(sys.executable).parent / "mutmut"), "run", "--max-children", str(arguments.jobs)]
        # Fixed and fewer hypothesis examples per mutant (tests/conftest.py, tests/crypto/strategies.py).
        environment_variables = {**os.environ, "SHAILOO_HYPOTHESIS_PROFILE": "mutation"}
        try:
            returncode = subprocess.run(command + targets, cwd=root, env=environment_variables, check=False).returncode
        except KeyboardInterrupt:  # stopped by hand: what it tested is recorded all the same
            returncode = 130
        print(f"\nmutmut ran for {time.monotonic() - started:.0f} s with {arguments.jobs} job(s)")
        if (root / "mutants" / "mutmut-stats.json").exists():
            _record_and_save(ledger, root, arguments.ledger, "this run")
        if returncode != 0:
            return returncode
    return report(pattern, ledger, root)


def _record_and_save(ledger: Ledger, root: Path, path: Path, what: str) -> None:
    counts = record(ledger, root)
    ledger.save(path)
    print(f"recorded in {path.name} from {what}: " + ", ".join(f"{n} {kind}" for kind, n in sorted(counts.items())))


if __name__ == "__main__":
    sys.exit(main())
