# SPDX-License-Identifier: Apache-2.0
"""One bulletin board per (election, constituency) (EVOTING-CONTRACT.md 0): its manifest, ceremony result,
frozen credential list, the hash chain of its entries, the heads it published, the holders' decryptions
and the results. The board row is also the chain's head: appending locks it (SELECT ... FOR UPDATE)."""
from django.db import models
from django.utils.translation import gettext_lazy as _

from shailoo.elections.models import Constituency, Election


class Board(models.Model):
    class State(models.TextChoices):
        SETUP = "setup", _("being set up")
        MANIFEST = "manifest", _("manifest fixed")
        READY = "ready", _("ready: ceremony adopted and credential list signed")
        CLOSED = "closed", _("closed")
        TALLIED = "tallied", _("tallied")

    election = models.ForeignKey(Election, on_delete=models.PROTECT, related_name="evoting_boards")
    constituency = models.ForeignKey(Constituency, on_delete=models.PROTECT, related_name="evoting_boards")
    state = models.CharField(max_length=10, choices=State.choices, default=State.SETUP)
    opens = models.DateTimeField(_("polls open"))
    closes = models.DateTimeField(_("polls close"))
    # manifest.json (docs/protocol.md 6) once fixed; Q = H("manifest", JCS(manifest)) in hex.
    manifest = models.JSONField(null=True, blank=True, editable=False)
    manifest_hash = models.CharField(max_length=128, blank=True, editable=False)
    manifest_fixed_at = models.DateTimeField(null=True, blank=True, editable=False)
    # ceremony.json (docs/protocol.md 4) as the ceremony app finished it, checked again here.
    ceremony = models.JSONField(null=True, blank=True, editable=False)
    joint_public_key = models.CharField(max_length=64, blank=True, editable=False)
    ceremony_adopted_at = models.DateTimeField(null=True, blank=True, editable=False)
    # The signed credential list (the credentials themselves: ListedCredential).
    credentials_count = models.PositiveIntegerField(null=True, blank=True, editable=False)
    credentials_signature = models.CharField(max_length=128, blank=True, editable=False)
    credentials_frozen_at = models.DateTimeField(null=True, blank=True, editable=False)
    # The chain's head after `position` entries (position 0: the genesis head).
    position = models.PositiveBigIntegerField(default=0, editable=False)
    head = models.CharField(max_length=128, blank=True, editable=False)
    last_time = models.BigIntegerField(default=0, editable=False, help_text="ms since the epoch")
    ballots = models.PositiveBigIntegerField(default=0, editable=False)
    challenges = models.PositiveBigIntegerField(default=0, editable=False)
    closed_at = models.DateTimeField(null=True, blank=True, editable=False)
    # tally.json, results.json once k holders decrypted.
    tally = models.JSONField(null=True, blank=True, editable=False)
    results = models.JSONField(null=True, blank=True, editable=False)
    tallied_at = models.DateTimeField(null=True, blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("e-voting board")
        verbose_name_plural = _("e-voting boards")
        ordering = ["election", "constituency__number"]
        constraints = [
            models.UniqueConstraint(fields=["election", "constituency"], name="one_board_per_constituency"),
            models.CheckConstraint(condition=models.Q(opens__lt=models.F("closes")), name="board_opens_before_closes"),
        ]

    def __str__(self) -> str:
        return self.board_id

    @property
    def board_id(self) -> str:
        """`<slug>/<number>`: the manifest's election_id and the board's address in URLs."""
        return f"{self.election.slug}/{self.constituency.number}"


class ListedCredential(models.Model):
    """One credential of a board's frozen, signed list (docs/protocol.md 5)."""

    board = models.ForeignKey(Board, on_delete=models.CASCADE, related_name="credentials")
    credential = models.CharField(max_length=64)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["board", "credential"], name="credential_once_per_board")]

    def __str__(self) -> str:
        return self.credential


class Entry(models.Model):
    """One entry of the chain, stored as the exact line of board.jsonl, with the head after it and, for a
    ballot or a challenge, the receipt the board answered."""

    class Kind(models.TextChoices):
        BALLOT = "ballot", _("ballot")
        CHALLENGE = "challenge", _("challenged ballot")
        CLOSE = "close", _("close")

    # No index of its own: every index below starts with the board (one index write less per cast).
    board = models.ForeignKey(Board, on_delete=models.PROTECT, related_name="entries", db_index=False)
    position = models.PositiveBigIntegerField()
    kind = models.CharField(max_length=10, choices=Kind.choices)
    time = models.BigIntegerField(help_text="ms since the epoch")
    tracking = models.CharField(max_length=128, blank=True)
    # 32 hex of the ballot body's id; unique over the board (a ballot id is used once, cast or challenged).
    ballot_id = models.CharField(max_length=32, blank=True)
    credential = models.CharField(max_length=64, blank=True)
    line = models.TextField()
    head = models.CharField(max_length=128)
    receipt = models.JSONField(null=True, blank=True)

    class Meta:
        verbose_name = _("board entry")
        verbose_name_plural = _("board entries")
        ordering = ["board", "position"]
        constraints = [
            models.UniqueConstraint(fields=["board", "position"], name="entry_position_once"),
            models.UniqueConstraint(fields=["board", "ballot_id"], condition=~models.Q(ballot_id=""),
                                    name="ballot_id_once_per_board"),
        ]
        indexes = [
            models.Index(fields=["board", "tracking"], name="entry_tracking"),
            models.Index(fields=["board", "credential", "position"], name="entry_credential"),
            models.Index(fields=["board", "kind", "position"], name="entry_kind"),  # the checked ballots' list
        ]

    def __str__(self) -> str:
        return f"{self.board_id}#{self.position} {self.kind}"


class PublishedHead(models.Model):
    """The head as published at a moment (at least every minute while the board changes): append-only."""

    board = models.ForeignKey(Board, on_delete=models.PROTECT, related_name="published_heads")
    position = models.PositiveBigIntegerField()
    head = models.CharField(max_length=128)
    published_at = models.DateTimeField()

    class Meta:
        ordering = ["board", "position"]
        constraints = [models.UniqueConstraint(fields=["board", "position"], name="head_published_once")]

    def __str__(self) -> str:
        return f"{self.board_id}#{self.position} {self.head[:16]}"


class Decryption(models.Model):
    """One holder's checked partial decryption of a closed board (docs/protocol.md 10.2)."""

    board = models.ForeignKey(Board, on_delete=models.PROTECT, related_name="decryptions")
    holder = models.PositiveSmallIntegerField()
    message = models.JSONField()
    received_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["board", "holder"]
        constraints = [models.UniqueConstraint(fields=["board", "holder"], name="one_decryption_per_holder")]

    def __str__(self) -> str:
        return f"{self.board_id} holder {self.holder}"


class Pending(models.Model):
    """A verified submission waiting for the board's next append (group commit): committed before the board
    row is locked, appended with every other pending one of the board in one transaction, then deleted.
    A submission whose request died after this commit is appended by the next append or the worker."""

    board = models.ForeignKey(Board, on_delete=models.CASCADE, related_name="pending")
    ballot_id = models.CharField(max_length=32)
    kind = models.CharField(max_length=10, choices=Entry.Kind.choices)
    # A cast ballot as its request sent it (it read as JSON before it was verified: canonicalising it cost more
    # than writing it), a challenge in canonical form; the append parses either again.
    body = models.TextField(help_text="the submitted JSON")
    # The voter's e-voting application (for the confirmation SMS); none for a challenge.
    application = models.ForeignKey("cabinet.Application", on_delete=models.SET_NULL, null=True, blank=True,
                                    related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["board", "ballot_id"], name="pending_ballot_id_once")]

    def __str__(self) -> str:
        return f"{self.board_id} {self.kind} {self.ballot_id}"
