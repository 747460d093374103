# SPDX-License-Identifier: Apache-2.0
"""Remote e-voting (docs/protocol.md): credentials, the booth, casting, the bulletin board, closing, the tally
and the published record."""
