# SPDX-License-Identifier: Apache-2.0
"""Month names as dates show them ("30 декабрь 2026"). Django's Kyrgyz catalogue capitalises them
("30 Декабрь 2026"); Kyrgyz writes months in lower case, so this app's Kyrgyz catalogue, which Django
consults before its own, translates these same messages. Listed here so that makemessages keeps them."""
from django.utils.translation import pgettext_lazy

MONTHS_ALT = (
    pgettext_lazy("alt. month", "January"), pgettext_lazy("alt. month", "February"),
    pgettext_lazy("alt. month", "March"), pgettext_lazy("alt. month", "April"),
    pgettext_lazy("alt. month", "May"), pgettext_lazy("alt. month", "June"),
    pgettext_lazy("alt. month", "July"), pgettext_lazy("alt. month", "August"),
    pgettext_lazy("alt. month", "September"), pgettext_lazy("alt. month", "October"),
    pgettext_lazy("alt. month", "November"), pgettext_lazy("alt. month", "December"),
)
