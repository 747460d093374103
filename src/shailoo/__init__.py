# SPDX-License-Identifier: Apache-2.0
"""Shailoo: elections in the Kyrgyz Republic."""
