# SPDX-License-Identifier: Apache-2.0
"""The results follow the e-vote: when a board's tally is stored, its election's results are recomputed."""
from django.db.models.signals import post_save
from django.dispatch import receiver

from shailoo.evoting.models import Board
from shailoo.results import publication


@receiver(post_save, sender=Board, dispatch_uid="results-follow-the-tally")
def board_tallied(sender, instance: Board, update_fields=None, **kwargs) -> None:
    # update_fields first: a save that leaves the results alone (e.g. of a Board loaded with only() some
    # fields, when Django passes the loaded fields) must not read the deferred results back from the database.
    if update_fields is not None and "results" not in update_fields:
        return
    if instance.results is not None:
        publication.recompute(instance.election)
