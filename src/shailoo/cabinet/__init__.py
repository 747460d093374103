# SPDX-License-Identifier: Apache-2.0
"""The Voter's Cabinet: a voter's own list entry and applications."""
