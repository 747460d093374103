# SPDX-License-Identifier: Apache-2.0
"""Staff roles and scopes: who works for which commission, and what each may see and act on.

Below both the commissions' back office (`shailoo.commission`) and the call-centre console
(`shailoo.lookup`), which import it; it imports neither.
"""
