# SPDX-License-Identifier: Apache-2.0
"""The results follow the e-vote: when a board's tally is stored, its election's results are recomputed."""
from django.db.models.signals import post_save
from django.dispatch import receiver

from shailoo.evoting.models import Board
from shailoo.results import publication


@receiver(post_save, sender=Board, dispatch_uid="results-follow-the-tally")
def board_tallied(sender, instance: Board, update_fields=None, **kwargs) -> None:
    if instance.results is not None and (update_fields is None or "results" in update_fields):
        publication.recompute(instance.election)
