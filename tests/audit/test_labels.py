# SPDX-License-Identifier: Apache-2.0
"""Audit entries read in Kyrgyz and Russian (English third) wherever they are shown: every kind's label
is translated, and an e-voting board's entries name their step."""
from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from django.utils import translation

from shailoo.audit.events import describe
from shailoo.audit.models import AuditEntry, AuditKind
from tests.ceremony.helpers_ceremony import name_and_issue
from tests.evoting.helpers import make_evoting


@pytest.mark.parametrize("language", ["ky", "ru"])
def test_every_kind_has_a_label_in_kyrgyz_and_russian(language):
    untranslated = []
    for kind in AuditKind:
        with translation.override("en"):
            english = str(kind.label)
        with translation.override(language):
            if str(kind.label) == english:
                untranslated.append(f"{kind.value} ({english})")
    assert not untranslated, f"audit kinds without a {language} label: {', '.join(untranslated)}"


@pytest.mark.django_db
def test_the_admin_shows_ceremony_and_evoting_entries_in_the_readers_language():
    make_evoting(voters=1, name="Кадамжай")  # the board's set-up steps: created, polls set, manifest, ceremony, credential list
    name_and_issue()
    steps = set(AuditEntry.objects.filter(kind=AuditKind.EVOTING_STEP).values_list("payload__step", flat=True))
    assert {"created", "polls-set", "manifest-fixed", "ceremony-adopted", "credentials-frozen"} <= steps
    client = Client()
    client.force_login(get_user_model().objects.create_superuser("root", "root@example.kg", "a long password"))
    pages = {language: client.get("/admin/audit/auditentry/", headers={"accept-language": language}).content.decode()
             for language in ("ky", "ru", "en")}
    assert "ачкыч ээлери дайындалды" in pages["ky"] and "держатели ключа назначены" in pages["ru"]
    assert "электрондук добуш берүү тактасынын кадамы: манифест бекитилди" in pages["ky"]
    assert "шаг доски электронного голосования: список ключей подписан" in pages["ru"]
    assert "e-voting board step: polls set" in pages["en"]
    for entry in AuditEntry.objects.filter(kind=AuditKind.EVOTING_STEP):
        with translation.override("ru"):
            text = describe(entry.kind, entry.payload)
        assert entry.payload["step"] not in text, f"step {entry.payload['step']} has no name"
