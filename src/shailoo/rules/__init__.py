# SPDX-License-Identifier: Apache-2.0
"""Pure domain rules of Kyrgyz elections: no Django, no database, no I/O."""
