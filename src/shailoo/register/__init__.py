# SPDX-License-Identifier: Apache-2.0
"""Citizens from the population register, voter lists, the register import and list compilation."""
