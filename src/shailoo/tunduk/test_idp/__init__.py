# SPDX-License-Identifier: Apache-2.0
"""The local test identity provider: a real OpenID Connect provider (django-oauth-toolkit) that stands
in for Tunduk in the demo and in tests. On only when settings.TEST_IDP is; never in production."""
