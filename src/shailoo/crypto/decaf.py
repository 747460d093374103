# SPDX-License-Identifier: Apache-2.0
"""Binding to libdecaf (Debian's libdecaf0), whose ``decaf_255_*`` functions are ristretto255 (RFC 9496).

Only what shailoo.crypto.group and shailoo.crypto.native need, through cffi's ABI mode (no compiler needed). Points live in
buffers allocated here in their decoded form (extended coordinates, 256 bytes, 32-byte aligned as the
library declares them); scalars are passed as their 32-byte little-endian encoding, which is also libdecaf's
in-memory form of a reduced scalar (4 little-endian 64-bit limbs), so no conversion call is needed.

scripts/ensure-libdecaf installs Debian's library and, where it can, builds the same source for CPUs of the
x86-64-v3 level into the venv: ``library_path`` loads that build on such a CPU, Debian's anywhere else, and
``SHAILOO_LIBDECAF=system`` forces Debian's. The known-answer vectors (tests/crypto/test_vectors.py) hold for both.
"""
from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Any

import cffi

_DECLARATIONS = """
int decaf_255_point_decode(void *point, const uint8_t *encoding, uint64_t allow_identity);
void decaf_255_point_encode(uint8_t *encoding, const void *point);
void decaf_255_point_add(void *sum, const void *left, const void *right);
void decaf_255_point_sub(void *difference, const void *left, const void *right);
void decaf_255_point_double(void *twice, const void *point);
void decaf_255_point_cond_sel(void *out, const void *if_false, const void *if_true, uint64_t pick_true);
void decaf_255_point_scalarmul(void *product, const void *base, const void *scalar);
void decaf_255_base_double_scalarmul_non_secret(void *combination, const void *base_scalar,
                                                const void *point, const void *point_scalar);
void decaf_255_precompute(void *table, const void *point);
void decaf_255_precomputed_scalarmul(void *product, const void *table, const void *scalar);
void decaf_255_point_from_hash_uniform(void *point, const uint8_t *uniform_bytes);
void decaf_255_scalar_decode_long(void *scalar, const uint8_t *encoding, size_t length);
void decaf_255_scalar_encode(uint8_t *encoding, const void *scalar);
void decaf_255_scalar_add(void *sum, const void *left, const void *right);
void decaf_255_scalar_sub(void *difference, const void *left, const void *right);
void decaf_255_scalar_mul(void *product, const void *left, const void *right);
void decaf_255_scalar_set_unsigned(void *scalar, uint64_t value);
void decaf_255_scalar_cond_sel(void *out, const void *if_false, const void *if_true, uint64_t pick_true);
extern const void *decaf_255_precomputed_base;
extern size_t decaf_255_sizeof_precomputed_s;
"""

#: decaf_error_t: DECAF_SUCCESS is -1 (all bits set), DECAF_FAILURE 0; decaf_bool_t true is all bits set.
SUCCESS = -1
TRUE = 0xFFFF_FFFF_FFFF_FFFF
POINT_SIZE = 256
_ALIGN = 32

#: What the x86-64-v3 level needs, as the kernel names the flags in /proc/cpuinfo (scripts/ensure-libdecaf
#: checks the same before building).
V3_FLAGS = frozenset({"avx", "avx2", "bmi1", "bmi2", "f16c", "fma", "abm", "movbe", "xsave"})
SYSTEM_LIBRARY = "libdecaf.so.0"


def library_path(prefix: str, cpuinfo: str, choice: str) -> str:
    """The library to load: the venv's x86-64-v3 build if it is there and this CPU has every flag it needs
    (a venv copied to an older CPU falls back instead of stopping on an illegal instruction), else Debian's."""
    built = Path(prefix, "lib", "shailoo-libdecaf", "x86-64-v3", SYSTEM_LIBRARY)
    if choice == "system" or not built.is_file():
        return SYSTEM_LIBRARY
    flags = next((line.split(":", 1)[1].split() for line in cpuinfo.splitlines() if line.startswith("flags")), [])
    return str(built) if V3_FLAGS <= set(flags) else SYSTEM_LIBRARY


def _cpuinfo() -> str:
    try:
        return Path("/proc/cpuinfo").read_text()
    except OSError:  # pragma: no cover - not Linux: no flags, Debian's library
        return ""


ffi = cffi.FFI()
ffi.cdef(_DECLARATIONS)
LIBRARY = library_path(sys.prefix, _cpuinfo(), os.environ.get("SHAILOO_LIBDECAF", ""))
try:
    lib: Any = ffi.dlopen(LIBRARY)
except OSError as error:  # pragma: no cover - depends on the machine
    raise ImportError(
        "shailoo.crypto needs libdecaf (Debian package libdecaf0): run scripts/ensure-libdecaf"
    ) from error

TABLE_SIZE = int(lib.decaf_255_sizeof_precomputed_s)
BASE_TABLE: Any = lib.decaf_255_precomputed_base
# Parsed once: cffi parses a type given as text on every call.
BYTES = ffi.typeof("uint8_t[]")
_ADDRESS = ffi.typeof("uintptr_t")


def allocate(size: int) -> tuple[Any, Any]:
    """(owner, pointer): zeroed memory of ``size`` bytes aligned to 32; keep the owner alive with the pointer."""
    owner = ffi.new(BYTES, size + _ALIGN)
    return owner, owner + (-int(ffi.cast(_ADDRESS, owner)) % _ALIGN)


def encode(point: Any) -> bytes:
    out = ffi.new(BYTES, 32)
    lib.decaf_255_point_encode(out, point)
    return ffi.buffer(out)[:]  # type: ignore[no-any-return]
