# SPDX-License-Identifier: Apache-2.0
"""What every screen shares: the base template, styles, security headers, log redaction."""
