# SPDX-License-Identifier: Apache-2.0
"""Verifiable e-voting core: ristretto255 group, exponential ElGamal, proofs, key ceremony, ballots, tally,
the election record and its verifier. Python over libdecaf's ristretto255; no Django. Spec: docs/protocol.md."""
