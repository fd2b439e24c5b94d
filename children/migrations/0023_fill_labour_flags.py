"""Fill the Labour Law flags of the cases that existed before them (docs/adr/0035).

The rules are children/labour_law.py; the same refresh runs daily and after imports. On a
national database (200,000 cases) it reads and writes 5,000 cases a statement.
"""

from django.db import migrations


def fill(apps, schema_editor):
    from children.services.labour import labour_flags_refresh

    labour_flags_refresh()


class Migration(migrations.Migration):
    dependencies = [("children", "0022_labour_law_flags_and_schooling_changes")]

    operations = [migrations.RunPython(fill, migrations.RunPython.noop)]
