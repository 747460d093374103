# SPDX-License-Identifier: Apache-2.0
"""What the back office's navigation offers a staff member: only what their role can open."""
from django import template

from shailoo.staff.scope import is_operator, scope_of

register = template.Library()


@register.simple_tag(takes_context=True)
def staff_menu(context) -> dict:
    request = context.get("request")
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"signed_in": False, "reviewer": False, "operator": False, "cec": False}
    scope = scope_of(user)
    return {
        "signed_in": True,
        "reviewer": scope.is_reviewer,
        "cec": scope.everything,  # the key ceremonies' pages (shailoo.ceremony.views)
        "operator": is_operator(user),
        "name": user.get_full_name() or user.get_username(),
    }
