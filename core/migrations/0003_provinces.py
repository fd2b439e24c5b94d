"""Iran's 31 provinces, as reference data every environment needs ."""

from django.db import migrations

PROVINCES = [
    ("alborz", "البرز", "Alborz"),
    ("ardabil", "اردبیل", "Ardabil"),
    ("bushehr", "بوشهر", "Bushehr"),
    ("chaharmahal-bakhtiari", "چهارمحال و بختیاری", "Chaharmahal and Bakhtiari"),
    ("east-azerbaijan", "آذربایجان شرقی", "East Azerbaijan"),
    ("fars", "فارس", "Fars"),
    ("gilan", "گیلان", "Gilan"),
    ("golestan", "گلستان", "Golestan"),
    ("hamadan", "همدان", "Hamadan"),
    ("hormozgan", "هرمزگان", "Hormozgan"),
    ("ilam", "ایلام", "Ilam"),
    ("isfahan", "اصفهان", "Isfahan"),
    ("kerman", "کرمان", "Kerman"),
    ("kermanshah", "کرمانشاه", "Kermanshah"),
    ("khuzestan", "خوزستان", "Khuzestan"),
    ("kohgiluyeh-boyer-ahmad", "کهگیلویه و بویراحمد", "Kohgiluyeh and Boyer-Ahmad"),
    ("kurdistan", "کردستان", "Kurdistan"),
    ("lorestan", "لرستان", "Lorestan"),
    ("markazi", "مرکزی", "Markazi"),
    ("mazandaran", "مازندران", "Mazandaran"),
    ("north-khorasan", "خراسان شمالی", "North Khorasan"),
    ("qazvin", "قزوین", "Qazvin"),
    ("qom", "قم", "Qom"),
    ("razavi-khorasan", "خراسان رضوی", "Razavi Khorasan"),
    ("semnan", "سمنان", "Semnan"),
    ("sistan-baluchestan", "سیستان و بلوچستان", "Sistan and Baluchestan"),
    ("south-khorasan", "خراسان جنوبی", "South Khorasan"),
    ("tehran", "تهران", "Tehran"),
    ("west-azerbaijan", "آذربایجان غربی", "West Azerbaijan"),
    ("yazd", "یزد", "Yazd"),
    ("zanjan", "زنجان", "Zanjan"),
]


def load(apps, schema_editor):
    Province = apps.get_model("core", "Province")
    for code, name_fa, name_en in PROVINCES:
        Province.objects.update_or_create(code=code, defaults={"name_fa": name_fa, "name_en": name_en})


def unload(apps, schema_editor):
    apps.get_model("core", "Province").objects.filter(code__in=[p[0] for p in PROVINCES]).delete()


class Migration(migrations.Migration):
    dependencies = [("core", "0002_audit_and_history")]

    operations = [migrations.RunPython(load, unload)]
