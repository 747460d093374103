# SPDX-License-Identifier: Apache-2.0
"""Verifiable e-voting core: ristretto255 group, exponential ElGamal, proofs, key ceremony, ballots, tally,
the election record and its verifier. Pure Python over libsodium (rbcl); no Django. Spec: docs/protocol.md."""
