# SPDX-License-Identifier: Apache-2.0
"""Election commission staff, their roles and scopes, and the commission back office."""
