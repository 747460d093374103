# SPDX-License-Identifier: Apache-2.0
"""The lookup app's one table: proof-of-work challenges already used (shailoo.lookup.challenge)."""
from django.db import models


class SpentChallenge(models.Model):
    """A solved challenge that has paid for its lookup; its nonce can never pay again.

    Used when the cache is not Redis (the default `make run`), so that every web worker sees the same
    record; rows are deleted once the challenge has expired anyway.
    """

    nonce = models.CharField(max_length=64, primary_key=True)
    expires_at = models.DateTimeField(db_index=True)

    def __str__(self) -> str:
        return self.nonce
