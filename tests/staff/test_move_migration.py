# SPDX-License-Identifier: Apache-2.0
"""Staff roles moved from the commission app to shailoo.staff: a database migrated from before the move keeps
every assignment (same rows, same ids), new ones get fresh ids, and the admin permissions follow the model."""
import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

pytestmark = pytest.mark.django_db(transaction=True)

BEFORE = [("commission", "0002_biometriccheck"), ("staff", None)]
AFTER = [("commission", "0003_move_staffassignment_to_staff"), ("staff", "0001_initial")]


def _migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    executor.loader.build_graph()
    others = [leaf for leaf in executor.loader.graph.leaf_nodes() if leaf[0] not in ("commission", "staff")]
    return executor.loader.project_state(others + [target for target in targets if target[1]]).apps


def test_the_move_keeps_every_assignment_and_the_permissions():
    old = _migrate(BEFORE)
    try:
        user = old.get_model("auth", "User").objects.create(username="member", password="!")
        geography = old.get_model("geography", "Region").objects.create(name="Баткен облусу")
        district = old.get_model("geography", "District").objects.create(region=geography, name="Баткен району")
        old_assignment = old.get_model("commission", "StaffAssignment")
        kept = [
            old_assignment.objects.create(user=user, role="territorial", district=district),
            old_assignment.objects.create(user=user, role="operator"),
        ]
        content_type = old.get_model("contenttypes", "ContentType").objects.get_or_create(
            app_label="commission", model="staffassignment")[0]
        permission = old.get_model("auth", "Permission").objects.get_or_create(
            content_type=content_type, codename="change_staffassignment", defaults={"name": "Can change"})[0]
        user.user_permissions.add(permission)

        new = _migrate(AFTER)
        moved = new.get_model("staff", "StaffAssignment")
        rows = list(moved.objects.order_by("pk").values_list("pk", "user_id", "role", "district_id"))
        assert rows == [(kept[0].pk, user.pk, "territorial", district.pk), (kept[1].pk, user.pk, "operator", None)]
        fresh = moved.objects.create(user_id=user.pk, role="cec_admin")
        assert fresh.pk > kept[1].pk  # the id sequence was moved past the copied rows
        assert "commission_staffassignment" not in connection.introspection.table_names()
        permission = new.get_model("auth", "Permission").objects.get(pk=permission.pk)
        assert (permission.content_type.app_label, permission.content_type.model) == ("staff", "staffassignment")
        moved.objects.all().delete()
        new.get_model("auth", "User").objects.all().delete()
        new.get_model("geography", "District").objects.all().delete()
        new.get_model("geography", "Region").objects.all().delete()
    finally:
        _migrate(AFTER)
