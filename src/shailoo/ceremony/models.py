# SPDX-License-Identifier: Apache-2.0
"""Key holders of an election, its quorum, and per board (election, constituency) the key ceremony the
server relays: the manifest the commission fixed, the attempt, and every signed message it accepted.

The server holds no secret of the ceremony: messages are public values and shares encrypted to the
recipients' keys (docs/protocol.md 4). It checks each message with shailoo.crypto before storing it."""
from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from shailoo.elections.models import Constituency, Election


class Quorum(models.Model):
    """k of n: how many holders must take part to decrypt (n = the election's holders)."""

    election = models.OneToOneField(Election, on_delete=models.CASCADE, related_name="ceremony_quorum")
    k = models.PositiveSmallIntegerField(_("quorum"))

    class Meta:
        verbose_name = _("key holders' quorum")
        constraints = [models.CheckConstraint(condition=models.Q(k__gte=1), name="ceremony_quorum_positive")]

    def __str__(self) -> str:
        return f"{self.election.slug}: {self.k}"


class KeyHolder(models.Model):
    """Holder ``index`` (1..n) of an election: a commission member with their own login; their long-term
    signing key (ristretto255, hex) arrives with the one-time registration code the CEC gave them."""

    election = models.ForeignKey(Election, on_delete=models.CASCADE, related_name="key_holders")
    index = models.PositiveSmallIntegerField(_("number"))
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="key_holders",
                             null=True, blank=True)
    name = models.CharField(_("name"), max_length=200)
    public_key = models.CharField(_("long-term public key"), max_length=64, blank=True)
    code_hash = models.CharField(max_length=64, blank=True, help_text=_("SHA-256 of the one-time code; never the code"))
    code_issued_at = models.DateTimeField(null=True, blank=True)
    registered_at = models.DateTimeField(_("registered"), null=True, blank=True)

    class Meta:
        verbose_name = _("key holder")
        verbose_name_plural = _("key holders")
        ordering = ["election", "index"]
        constraints = [
            models.UniqueConstraint(fields=["election", "index"], name="keyholder_index_unique"),
            models.UniqueConstraint(fields=["election", "user"], name="keyholder_user_unique"),
            models.UniqueConstraint(fields=["election", "public_key"], condition=~models.Q(public_key=""),
                                    name="keyholder_key_unique"),
            models.CheckConstraint(condition=models.Q(index__gte=1, index__lte=64), name="keyholder_index_range"),
        ]

    def __str__(self) -> str:
        return f"{self.election.slug} #{self.index} {self.name}"


class Ceremony(models.Model):
    """One board's key ceremony: the manifest (which fixes Q, the holders' keys and k) and the attempt now
    running. A stalled ceremony is started again with the next attempt; earlier messages stay stored."""

    election = models.ForeignKey(Election, on_delete=models.CASCADE, related_name="ceremonies")
    constituency = models.OneToOneField(Constituency, on_delete=models.CASCADE, related_name="ceremony")
    manifest = models.JSONField()
    manifest_hash = models.CharField(max_length=128)
    attempt = models.PositiveSmallIntegerField(default=1)
    opened_at = models.DateTimeField()
    transcript = models.JSONField(null=True, blank=True, help_text=_("ceremony.json once finished and verified"))
    joint_public_key = models.CharField(max_length=64, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("key ceremony")
        verbose_name_plural = _("key ceremonies")
        ordering = ["election", "constituency__number"]

    def __str__(self) -> str:
        return f"{self.election.slug}/{self.constituency.number} attempt {self.attempt}"


class Message(models.Model):
    """One signed ceremony message as the holder sent it (its JCS bytes are what the digests bind)."""

    class Round(models.IntegerChoices):
        KEYS = 1, "keys"
        SHARES = 2, "shares"
        CHECKS = 3, "checks"
        FINALS = 4, "finals"

    ceremony = models.ForeignKey(Ceremony, on_delete=models.CASCADE, related_name="messages")
    attempt = models.PositiveSmallIntegerField()
    round = models.PositiveSmallIntegerField(choices=Round.choices)
    holder = models.PositiveSmallIntegerField()
    body = models.JSONField()
    digest = models.CharField(max_length=64, help_text=_("SHA-256 of the message's canonical JSON"))
    received_at = models.DateTimeField()

    class Meta:
        ordering = ["ceremony", "attempt", "round", "holder"]
        constraints = [models.UniqueConstraint(fields=["ceremony", "attempt", "round", "holder"],
                                               name="ceremony_message_once")]

    def __str__(self) -> str:
        return f"{self.ceremony} round {self.round} holder {self.holder}"
