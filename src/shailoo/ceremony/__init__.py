# SPDX-License-Identifier: Apache-2.0
"""The key holders of an election and the key ceremony's relay: the server stores and serves the holders'
signed messages (docs/protocol.md 4); the holders' own program is shailoo.keyholder."""
