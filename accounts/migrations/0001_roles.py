"""The two role groups. get_or_create makes it safe to run on a database that already has them."""

from __future__ import annotations

from django.db import migrations

ROLE_GROUPS = ("editors", "admins")


def create_role_groups(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    for name in ROLE_GROUPS:
        Group.objects.get_or_create(name=name)


class Migration(migrations.Migration):
    dependencies = [("auth", "0012_alter_user_first_name_max_length")]

    # Reversing leaves the groups: they may hold members by then.
    operations = [migrations.RunPython(create_role_groups, migrations.RunPython.noop)]
