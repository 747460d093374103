# SPDX-License-Identifier: Apache-2.0
"""The public voter-list check: web page, JSON API, call-centre console."""
