# SPDX-License-Identifier: Apache-2.0
"""shailoo-keyholder: the key holder's own program (docs/keyholders.md). It needs neither Django nor a
database: only shailoo.crypto, the standard library, and `cryptography` for the encrypted key file."""
