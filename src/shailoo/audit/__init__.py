# SPDX-License-Identifier: Apache-2.0
"""The append-only, hash-chained audit log."""
