"""Fill the search keys of organisations created before the columns existed.

Uses the same functions as `Organisation.refresh_search_keys`: a key computed any other way
would not match what the directory's search computes from the query.
"""

from django.db import migrations

from core.persian import clean_text, compact, normalize


def fill(apps, schema_editor):
    Organisation = apps.get_model("ngos", "Organisation")
    for organisation in Organisation.objects.all():
        names = [
            clean_text(organisation.name_fa),
            clean_text(organisation.name_en),
            organisation.code,
            organisation.registration_number,
        ]
        organisation.search_name = "\n".join(
            [normalize(n) for n in names if n] + [compact(n) for n in names[:2] if n]
        )
        organisation.search_cities = "\n".join(normalize(c) for c in organisation.cities)
        organisation.save(update_fields=["search_name", "search_cities"])


class Migration(migrations.Migration):
    dependencies = [("ngos", "0003_load_services")]

    operations = [migrations.RunPython(fill, migrations.RunPython.noop)]
