# Staff roles and scopes moved here from the commission app (commission 0003 copies the rows over); the
# constraints have new names because index names are shared by the whole schema while both tables exist.

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ('geography', '0001_initial'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name='StaffAssignment',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('role', models.CharField(choices=[('cec_admin', 'CEC administrator'), ('territorial', 'territorial commission member'), ('precinct', 'precinct commission member'), ('operator', 'call-centre operator')], max_length=12)),
                ('district', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, to='geography.district')),
                ('precinct', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, to='geography.precinct')),
                ('user', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='staff_assignments', to=settings.AUTH_USER_MODEL)),
            ],
            options={
                'verbose_name': 'staff assignment',
                'verbose_name_plural': 'staff assignments',
                'constraints': [models.CheckConstraint(condition=models.Q(models.Q(('district__isnull', True), ('precinct__isnull', True), ('role__in', ['cec_admin', 'operator'])), models.Q(('district__isnull', False), ('precinct__isnull', True), ('role', 'territorial')), models.Q(('district__isnull', True), ('precinct__isnull', False), ('role', 'precinct')), _connector='OR'), name='staff_scope_matches_role'), models.UniqueConstraint(fields=('user', 'role', 'district', 'precinct'), name='staff_assignment_unique')],
            },
        ),
    ]
