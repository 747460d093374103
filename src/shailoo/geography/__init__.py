# SPDX-License-Identifier: Apache-2.0
"""Regions, districts, municipalities, settlements, precincts and the addresses they serve."""
