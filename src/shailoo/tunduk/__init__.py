# SPDX-License-Identifier: Apache-2.0
"""Login through Tunduk ESIA (OpenID Connect relying party) and the local test identity provider."""
