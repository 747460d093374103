# SPDX-License-Identifier: Apache-2.0
"""Where shailoo.crypto.native's module is built and when it is used: built wherever a compiler is, forced
off by the environment, kept per version of native.c. The two paths' pieces are compared in
test_native_paths.py (collected where the module is built: tests/crypto/conftest.py)."""
import os
import shutil
import subprocess
import sys

from shailoo.crypto import native

from .conftest import BUILT


def test_the_module_is_built_and_loaded_wherever_a_compiler_is():
    # make install runs scripts/ensure-native: with a compiler on the PATH, the suite tests the compiled path.
    if shutil.which("cc") is not None:
        assert native.PATH is not None and native.PATH.is_file(), f"no native module at {native.PATH}: run scripts/ensure-native"
        assert native.PATH.parent == native.build_directory(sys.prefix)
        # Loaded, unless SHAILOO_NATIVE=off asked for the Python path.
        assert (BUILT is not None) == (os.environ.get("SHAILOO_NATIVE", "") != "off")


def test_the_python_path_is_forced_with_the_environment_and_a_changed_source_has_another_directory(tmp_path):
    probe = "from shailoo.crypto import native; print(native.lib is None)"
    forced = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True,
                            env={"SHAILOO_NATIVE": "off", "PATH": ""})
    assert forced.stdout.strip() == "True"
    assert native.build_directory(str(tmp_path)).name == native.build_directory(sys.prefix).name
    assert native.build_directory(str(tmp_path)).parent == tmp_path / "lib" / "shailoo-native"
