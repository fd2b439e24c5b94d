"""The services children are referred to, as reference data every environment needs.

Codes are stable: the referrals code and reports refer to them.
"""

from django.db import migrations

SERVICES = [
    ("education", "آموزش و حمایت تحصیلی", "Education and schooling support"),
    ("health", "بهداشت و درمان", "Health"),
    ("psychosocial", "حمایت روانی‌اجتماعی", "Psychosocial support"),
    ("legal_aid", "مشاوره و حمایت حقوقی", "Legal aid"),
    ("shelter", "سرپناه و اسکان", "Shelter"),
    ("vocational", "آموزش مهارت و حرفه‌آموزی", "Vocational training"),
    ("cash_support", "کمک نقدی و غیرنقدی", "Cash or in-kind support"),
    ("family_support", "حمایت از خانواده", "Family support"),
]


def load(apps, schema_editor):
    Service = apps.get_model("ngos", "Service")
    for position, (code, name_fa, name_en) in enumerate(SERVICES, start=1):
        Service.objects.update_or_create(
            code=code, defaults={"name_fa": name_fa, "name_en": name_en, "position": position}
        )


def unload(apps, schema_editor):
    apps.get_model("ngos", "Service").objects.filter(code__in=[s[0] for s in SERVICES]).delete()


class Migration(migrations.Migration):
    dependencies = [("ngos", "0002_organisation_profile")]

    operations = [migrations.RunPython(load, unload)]
