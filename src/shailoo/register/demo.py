# SPDX-License-Identifier: Apache-2.0
"""The Samarkandek demo (being written)."""


def load_demo(*, election_day, out):
    raise NotImplementedError
