# SPDX-License-Identifier: Apache-2.0
"""Logins under way through Tunduk, and the accounts of the local test identity provider."""
from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class PendingLogin(models.Model):
    """One authorization request sent to Tunduk and not yet answered.

    Kept on the server, not in the session: with `response_mode=form_post` Tunduk's answer is a
    cross-site POST, on which browsers do not send our Lax session cookie. The browser is bound
    to its login by a separate cookie whose hash is `browser_hash`. Each row is used at most once.
    """

    state = models.CharField(max_length=64, unique=True)
    browser_hash = models.CharField(max_length=64)
    nonce = models.CharField(max_length=64)
    code_verifier = models.CharField(max_length=128)
    redirect_uri = models.CharField(max_length=500)
    next_url = models.CharField(max_length=1000)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("login under way")
        verbose_name_plural = _("logins under way")

    def __str__(self) -> str:
        return f"login {self.pk} at {self.created_at:%Y-%m-%d %H:%M}"


class TestIdpAccount(models.Model):
    """A citizen who can sign in at the local test identity provider (demo and tests only).

    Tunduk keeps its own accounts; so does its stand-in. The linked user only carries the
    provider's grants and tokens (django-oauth-toolkit needs one): it has no usable password and
    no staff role, so it cannot sign in to the platform.
    """

    __test__ = False  # a model, not a pytest test class, despite the name

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    pin = models.CharField(_("PIN"), max_length=14, unique=True)
    given_name = models.CharField(_("given name"), max_length=100)
    family_name = models.CharField(_("family name"), max_length=100)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("test identity provider account")
        verbose_name_plural = _("test identity provider accounts")

    def __str__(self) -> str:
        return f"{self.family_name} {self.given_name[:1]}."
