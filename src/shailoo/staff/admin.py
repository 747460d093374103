# SPDX-License-Identifier: Apache-2.0
"""Staff roles are managed by the CEC in the admin, each change audited."""
from django.contrib import admin

from shailoo.audit.models import AuditKind
from shailoo.audit.services import record_event
from shailoo.staff.models import StaffAssignment


@admin.register(StaffAssignment)
class StaffAssignmentAdmin(admin.ModelAdmin):
    list_display = ("user", "role", "district", "precinct")
    list_filter = ("role",)
    search_fields = ("user__username", "user__last_name", "precinct__number")
    raw_id_fields = ("precinct",)

    def _audit(self, request, obj, what: str) -> None:
        scope = obj.precinct.number if obj.precinct_id else obj.district.name if obj.district_id else ""
        record_event(kind=AuditKind.STAFF_CHANGED, actor=request.user, subject=f"user:{obj.user_id}",
                     payload={"user": obj.user.get_username(), "role": f"{what}:{obj.role}", "scope": scope})

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        self._audit(request, obj, "changed" if change else "added")

    def delete_model(self, request, obj):
        self._audit(request, obj, "removed")
        super().delete_model(request, obj)

    def delete_queryset(self, request, queryset):
        for obj in queryset:
            self.delete_model(request, obj)
