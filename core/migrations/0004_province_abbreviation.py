from django.db import migrations, models

ABBREVIATIONS = {
    "alborz": "ALB", "ardabil": "ARD", "bushehr": "BUS", "chaharmahal-bakhtiari": "CHB",
    "east-azerbaijan": "EAZ", "fars": "FAR", "gilan": "GIL", "golestan": "GOL", "hamadan": "HAM",
    "hormozgan": "HOR", "ilam": "ILA", "isfahan": "ISF", "kerman": "KER", "kermanshah": "KSH",
    "khuzestan": "KHZ", "kohgiluyeh-boyer-ahmad": "KBA", "kurdistan": "KRD", "lorestan": "LOR",
    "markazi": "MRK", "mazandaran": "MAZ", "north-khorasan": "NKH", "qazvin": "QAZ", "qom": "QOM",
    "razavi-khorasan": "RKH", "semnan": "SEM", "sistan-baluchestan": "SBL", "south-khorasan": "SKH",
    "tehran": "TEH", "west-azerbaijan": "WAZ", "yazd": "YAZ", "zanjan": "ZAN",
}  # fmt: skip


def load(apps, schema_editor):
    Province = apps.get_model("core", "Province")
    for province in Province.objects.all():
        province.abbreviation = ABBREVIATIONS.get(province.code, province.code[:3].upper())
        province.save(update_fields=["abbreviation"])


class Migration(migrations.Migration):
    dependencies = [("core", "0003_provinces")]

    operations = [
        migrations.AddField(
            model_name="province",
            name="abbreviation",
            field=models.CharField(blank=True, max_length=3, verbose_name="abbreviation"),
        ),
        migrations.RunPython(load, migrations.RunPython.noop),
    ]
