# SPDX-License-Identifier: Apache-2.0
"""Optional native code (native.c) for a whole range proof's group work: one call for the prover's
commitments, one for its responses, one for the verifier's recomputed commitments, instead of about twenty
libdecaf calls and the Python around each (bench/README-crypto.md).

``scripts/ensure-native`` (run by ``make install``) compiles native.c with cffi's API mode into
``VENV/lib/shailoo-native/<hash of native.c>/``: a module built from another version of the source is never
loaded. It calls the libdecaf that shailoo.crypto.decaf loaded, through function pointers handed over here.
Without a compiler there is no module, ``lib`` is None and shailoo.crypto.disjunctive runs its Python path,
which gives the same bytes (tests/crypto run both; docs/vectors are reproduced by both).
``SHAILOO_NATIVE=off`` forces the Python path.
"""
from __future__ import annotations

import hashlib
import importlib.machinery
import importlib.util
import os
import sys
from functools import lru_cache
from pathlib import Path
from typing import Any

from shailoo.crypto import decaf
from shailoo.crypto.group import Point

SOURCE = Path(__file__).with_name("native.c")
MODULE = "_shailoo_native"

#: What native.c exports (cffi's cdef).
DECLARATIONS = """
int shailoo_native_init(void *const *functions, size_t count, const void *base_table, const void *identity);
int shailoo_prove_commit(const void *key_table, const uint8_t *drawn, uint64_t n, uint64_t m, uint8_t *slots,
                         uint8_t *blinds, uint8_t *challenges);
int shailoo_encrypt_commit(const void *key_table, const void *message, const uint8_t *drawn, uint64_t n,
                           uint64_t m, void *ciphertext, uint8_t *encodings, uint8_t *nonce, uint8_t *slots,
                           uint8_t *blinds, uint8_t *challenges);
void shailoo_prove_respond(const uint8_t *total, const uint8_t *nonce, uint64_t n, uint64_t m,
                           const uint8_t *blinds, uint8_t *challenges, uint8_t *responses);
void *shailoo_public_table_new(const void *base);
void shailoo_public_table_free(void *table);
void shailoo_verify_commit(const void *key_public_table, const void *alpha, const void *beta, uint64_t low,
                           uint64_t n, const uint8_t *challenges, const uint8_t *responses, uint8_t *slots,
                           uint8_t *sum_out);
"""

#: libdecaf's functions native.c calls, in the order of its table of pointers.
FUNCTIONS = (
    "precomputed_scalarmul", "point_encode", "point_add", "point_cond_sel", "base_double_scalarmul_non_secret",
    "scalar_decode_long", "scalar_encode", "scalar_add", "scalar_sub", "scalar_mul", "scalar_set_unsigned",
    "scalar_cond_sel",
)


def build_directory(prefix: str) -> Path:
    """Where the module built from this native.c lives in the venv at ``prefix``."""
    return Path(prefix, "lib", "shailoo-native", hashlib.sha256(SOURCE.read_bytes()).hexdigest()[:16])


def module_path(prefix: str) -> Path:
    return build_directory(prefix) / (MODULE + importlib.machinery.EXTENSION_SUFFIXES[0])


def _address(pointer: Any) -> int:
    return int(decaf.ffi.cast("uintptr_t", pointer))


def load(path: Path) -> tuple[Any, Any]:
    """Import the compiled module at ``path`` and hand it the functions of the libdecaf loaded: (ffi, lib)."""
    spec = importlib.util.spec_from_file_location(MODULE, path)
    if spec is None or spec.loader is None:  # pragma: no cover - an extension path always has a loader
        raise ImportError(f"cannot load {path}")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    bind(module.ffi, module.lib, decaf.lib, decaf.BASE_TABLE)
    return module.ffi, module.lib


def bind(module_ffi: Any, module_lib: Any, library: Any, base_table: Any) -> None:
    """Point the module at ``library``'s functions (a libdecaf opened with decaf.ffi) and G's table."""
    functions = module_ffi.new("void *[]", [module_ffi.cast("void *", _address(getattr(library, "decaf_255_" + name)))
                                            for name in FUNCTIONS])
    owner, identity = decaf.allocate(decaf.POINT_SIZE)
    if library.decaf_255_point_decode(identity, bytes(32), decaf.TRUE) != decaf.SUCCESS:  # pragma: no cover
        raise ImportError("libdecaf refused the identity's encoding")
    # The module copies the identity and keeps the pointers (libdecaf stays loaded for the process).
    if module_lib.shailoo_native_init(functions, len(FUNCTIONS), module_ffi.cast("void *", _address(base_table)),
                                      module_ffi.cast("void *", _address(identity))) != 0:  # pragma: no cover
        raise ImportError("the native module refused libdecaf's functions")


def _check_true(true: int, branches: int) -> None:
    # native.c refuses it too (-1, before touching a buffer), but could only say "could not allocate".
    if not 0 <= true < branches:
        raise ValueError(f"the true branch {true} is not one of the {branches} branches")


def prove_commit(table: Any, drawn: bytes, true: int) -> tuple[bytearray, bytearray, bytearray]:
    """A range proof's first move for ``len(drawn) // 128`` branches (t_j then c_j, 64 bytes each, per branch),
    the true one at index ``true``: (framed commitments A_0, B_0, ..., blinds t_j, challenges c_j with
    c_true = 0), as group.Commitments.disjunctive and disjunctive.prove_range compute them."""
    branches = len(drawn) // 128
    _check_true(true, branches)
    slots, blinds, challenges = bytearray(72 * branches), bytearray(32 * branches), bytearray(32 * branches)
    if lib.shailoo_prove_commit(table, drawn, branches, true, ffi.from_buffer(slots), ffi.from_buffer(blinds),
                                ffi.from_buffer(challenges)):
        raise MemoryError("the native prover could not allocate its buffers")
    return slots, blinds, challenges


def encrypt_commit(table: Any, message: Point, drawn: bytes, true: int
                   ) -> tuple[Point, Point, bytes, bytearray, bytearray, bytearray]:
    """A selection's encryption under the key of ``table`` (nonce r from the first 64 bytes of ``drawn``,
    ``message`` = the value's multiple of G) and its range proof's first move on the rest of ``drawn``, true
    branch ``true``: (pad, data, r encoded, framed commitments, blinds, challenges)."""
    branches = (len(drawn) - 64) // 128
    _check_true(true, branches)
    slots, blinds, challenges = bytearray(72 * branches), bytearray(32 * branches), bytearray(32 * branches)
    owner, points = decaf.allocate(2 * decaf.POINT_SIZE)
    encodings, nonce = bytearray(64), bytearray(32)
    if lib.shailoo_encrypt_commit(table, message.decoded(), drawn, branches, true,
                                  points, ffi.from_buffer(encodings),
                                  ffi.from_buffer(nonce), ffi.from_buffer(slots), ffi.from_buffer(blinds),
                                  ffi.from_buffer(challenges)):
        raise MemoryError("the native prover could not allocate its buffers")
    pad = Point.wrap(owner, points, bytes(encodings[:32]))
    data = Point.wrap(owner, points + decaf.POINT_SIZE, bytes(encodings[32:]))
    return pad, data, bytes(nonce), slots, blinds, challenges


def prove_respond(total: bytes, nonce: bytes, true: int, blinds: bytearray, challenges: bytearray) -> bytearray:
    """The answer to the 64-byte hash ``total``: sets c_true = total - sum(c_j) in ``challenges`` and returns
    the responses v_j = t_j + c_j r (32 bytes each); ``blinds`` are wiped."""
    branches = len(blinds) // 32
    responses = bytearray(32 * branches)
    lib.shailoo_prove_respond(total, nonce, branches, true, ffi.from_buffer(blinds), ffi.from_buffer(challenges),
                              ffi.from_buffer(responses))
    blinds[:] = bytes(len(blinds))
    return responses


@lru_cache(maxsize=4)
def public_table(point: Point) -> Any:
    """A public point's table for variable-time multiplications by public scalars (native.c: the multiples
    d 2^(8w) P, 2 MB, built in about 8,000 additions): the verifier's v_j K. Never for secret scalars."""
    table = lib.shailoo_public_table_new(point.decoded())
    if table == ffi.NULL:
        raise MemoryError("no memory for a public point's table")
    return ffi.gc(table, lib.shailoo_public_table_free, size=32 * 255 * decaf.POINT_SIZE)


def verify_commit(key: Point, pad: Any, data: Any, low: int, challenges: bytes, responses: bytes) -> tuple[bytearray, int]:
    """The verifier's commitments of a range proof from low under the election key ``key`` (framed, as
    group.Commitments.verify_branches gives them) and the sum of its challenges mod l. ``pad`` and ``data``
    are decoded points (Point.decoded), the scalars canonical (32 bytes each): all public, VARIABLE time."""
    branches = len(challenges) // 32
    slots, total = bytearray(72 * branches), bytearray(32)
    lib.shailoo_verify_commit(public_table(key), pad, data, low, branches, challenges, responses, ffi.from_buffer(slots),
                              ffi.from_buffer(total))
    return slots, int.from_bytes(total, "little")


ffi: Any = None
lib: Any = None
#: The module for this native.c in this venv (None where the source is not shipped: no module either).
PATH: Path | None = module_path(sys.prefix) if SOURCE.is_file() else None
if os.environ.get("SHAILOO_NATIVE", "") != "off" and PATH is not None and PATH.is_file():
    ffi, lib = load(PATH)
