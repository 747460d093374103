# SPDX-License-Identifier: Apache-2.0
"""Elections, keneshes, constituencies, candidates, party lists and calendars."""
