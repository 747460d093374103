# SPDX-License-Identifier: Apache-2.0
"""Outbound SMS: the outbox, gateway adapters, delivery reports."""
