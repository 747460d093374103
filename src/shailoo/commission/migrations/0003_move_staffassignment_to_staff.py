# Staff roles and scopes move to their own app, shailoo.staff, below both the commission back office and
# the call-centre console. The rows are copied with their ids (the audit log names them by user, not by
# row), the id sequence is moved past them, the admin's content type and permissions follow the model,
# and the old table is dropped: one transaction on PostgreSQL, so a failure leaves the data as it was.

from django.core.management.color import no_style
from django.db import migrations

FIELDS = ("id", "user_id", "role", "district_id", "precinct_id")


def _copy(source, target, schema_editor) -> None:
    rows = [target(**row) for row in source.objects.order_by("pk").values(*FIELDS)]
    target.objects.using(schema_editor.connection.alias).bulk_create(rows, batch_size=1000)
    with schema_editor.connection.cursor() as cursor:
        for statement in schema_editor.connection.ops.sequence_reset_sql(no_style(), [target]):
            cursor.execute(statement)


def _content_type(apps, schema_editor, old_app: str, new_app: str) -> None:
    content_type = apps.get_model("contenttypes", "ContentType")
    db = schema_editor.connection.alias
    moving = content_type.objects.using(db).filter(app_label=old_app, model="staffassignment")
    if not content_type.objects.using(db).filter(app_label=new_app, model="staffassignment").exists():
        moving.update(app_label=new_app)


def forwards(apps, schema_editor) -> None:
    _copy(apps.get_model("commission", "StaffAssignment"), apps.get_model("staff", "StaffAssignment"), schema_editor)
    _content_type(apps, schema_editor, "commission", "staff")


def backwards(apps, schema_editor) -> None:
    _copy(apps.get_model("staff", "StaffAssignment"), apps.get_model("commission", "StaffAssignment"), schema_editor)
    apps.get_model("staff", "StaffAssignment").objects.all().delete()
    _content_type(apps, schema_editor, "staff", "commission")


class Migration(migrations.Migration):

    dependencies = [
        ('commission', '0002_biometriccheck'),
        ('staff', '0001_initial'),
        ('contenttypes', '0002_remove_content_type_name'),
    ]

    operations = [
        migrations.RunPython(forwards, backwards),
        migrations.DeleteModel(name='StaffAssignment'),
    ]
