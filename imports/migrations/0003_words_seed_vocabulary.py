"""Everyone's vocabulary of values: the words NGO and State Welfare staff write in the choice
columns of the files they import, and the value each stands for (docs/adr/0018).

The words are written out here, frozen like any migration: the code keeps only the values and
their labels (``children/imports/parsing.py``). ``load`` is idempotent; the test suite calls it
again after a flush (tests/conftest.py). An administrator adds more words in the admin.
"""

from django.db import migrations

# {column: {value: [words]}}. Spellings with and without the half-space and with Arabic letters
# need no entry of their own: words are matched on their normalised key.
WORDS = {
    "sex": {
        "male": ["پسر", "مذکر", "مرد", "ذکور", "male", "m", "boy", "man"],
        "female": ["دختر", "مونث", "مؤنث", "زن", "اناث", "female", "f", "girl", "woman"],
    },
    "nationality": {
        "iranian": ["ایرانی", "ایران", "iran", "iranian"],
        "afghan": [
            "افغان",
            "افغانی",
            "افغانستانی",
            "افغانستان",
            "مهاجر افغان",
            "afghan",
            "afghani",
            "afghanistan",
        ],
        "pakistani": ["پاکستانی", "پاکستان", "pakistan", "pakistani"],
        "iraqi": ["عراقی", "عراق", "iraq", "iraqi"],
        "other": ["سایر", "دیگر", "other"],
        "unknown": ["نامشخص", "نامعلوم", "نمیداند", "unknown"],
    },
    "documentation": {
        # The Iranian birth certificate carries the national ID.
        "national_id": [
            "کد ملی",
            "کارت ملی",
            "شماره ملی",
            "شناسنامه",
            "شناسنامه ایرانی",
            "birth certificate",
            "national id",
            "national code",
            "national id card",
        ],
        "amayesh": ["آمایش", "کارت آمایش", "amayesh", "amayesh card"],
        "passport": ["گذرنامه", "پاسپورت", "passport"],
        # The census slip (برگه سرشماری, Afghans counted in 2022) and the educational support
        # slip (برگه حمایت تحصیلی, for schooling) are documents without a status of their own.
        "other": [
            "سایر",
            "مدرک دیگر",
            "سایر مدارک",
            "برگه سرشماری",
            "برگ سرشماری",
            "سرشماری",
            "برگه حمایت تحصیلی",
            "برگ حمایت تحصیلی",
            "حمایت تحصیلی",
            "census slip",
            "census",
            "headcount slip",
            "educational support slip",
            "education support slip",
            "other",
        ],
        "undocumented": [
            "فاقد مدرک",
            "فاقد مدارک",
            "بدون مدرک",
            "بی مدرک",
            "ندارد",
            "undocumented",
            "none",
            "no documents",
        ],
        "not_recorded": ["ثبت نشده", "not recorded"],
    },
    "work_type": {
        "street_vending": [
            "دستفروشی",
            "دست فروشی",
            "دستفروش",
            "گل‌فروشی",
            "گل فروشی",
            "گلفروش",
            "فال‌فروشی",
            "فال فروشی",
            "فال حافظ",
            "آدامس‌فروشی",
            "آدامس فروشی",
            "street vending",
            "vending",
            "street vendor",
            "flower selling",
            "selling flowers",
            "fortune poems",
            "selling fortune poems",
            "chewing gum",
            "selling chewing gum",
            "gum selling",
        ],
        "waste_picking": [
            "زباله‌گردی",
            "زباله گردی",
            "جمع آوری زباله",
            "ضایعات",
            "جمع آوری ضایعات",
            "بازیافت",
            "waste picking",
            "waste collection",
            "scrap",
            "scrap collecting",
            "recycling",
        ],
        "car_washing": [
            "شیشه‌پاک‌کن",
            "شیشه پاک کن",
            "شیشه‌شویی",
            "شیشه شویی",
            "ماشین‌شویی",
            "ماشین شویی",
            "شستن ماشین",
            "کارواش",
            "car wash",
            "car washing",
            "windscreen",
            "windscreen washing",
            "windshield washing",
        ],
        "begging": ["تکدی", "تکدی‌گری", "تکدی گری", "گدایی", "begging", "beggar"],
        "workshop": [
            "کارگاه",
            "کارگاهی",
            "کارگر کارگاه",
            "کار در کارگاه",
            "workshop",
            "workshop labour",
            "workshop worker",
        ],
        "agriculture": ["کشاورزی", "agriculture", "farming"],
        "domestic": ["کار خانگی", "خانگی", "domestic"],
        "portering": [
            "باربری",
            "حمل بار",
            "حمالی",
            "چرخ‌کشی",
            "چرخ کشی",
            "portering",
            "porter",
            "carrying loads",
        ],
        "other": ["سایر", "other"],
        "none": ["کار نمی کند", "بدون کار", "ندارد", "none", "not working"],
    },
    # Outreach logs, organisation directories and meeting attendance.
    "activity": {
        "first_contact": ["اولین تماس", "تماس اول", "first contact"],
        "regular_visit": ["بازدید", "بازدید منظم", "visit", "regular visit"],
        "group_activity": ["فعالیت گروهی", "گروهی", "group", "group activity"],
        "emergency": ["اضطراری", "فوری", "emergency"],
    },
    "kind": {
        "ngo": ["سمن", "سازمان مردم نهاد", "مردم نهاد", "ngo"],
        "welfare": ["بهزیستی", "welfare"],
        "municipality": ["شهرداری", "municipality"],
        "government_agency": ["دولتی", "سازمان دولتی", "government"],
    },
    "presence": {
        "present": ["حاضر", "present", "yes"],
        "absent": ["غایب", "absent", "no"],
        "represented": ["نماینده", "با نماینده", "represented"],
    },
    "school_status": {
        "enrolled": [
            "در حال تحصیل",
            "محصل",
            "دانش آموز",
            "ثبت نام شده",
            "enrolled",
            "in school",
        ],
        "dropped_out": ["ترک تحصیل", "بازمانده از تحصیل", "dropped out", "dropout"],
        "never_enrolled": [
            "هرگز ثبت نام نشده",
            "مدرسه نرفته",
            "never enrolled",
            "never",
        ],
    },
}


def load(apps, schema_editor):
    from core.spreadsheets.cells import word_key

    ValueWord = apps.get_model("imports", "ValueWord")
    rows, seen = [], set()
    for column, values in WORDS.items():
        for value, words in values.items():
            for word in words:
                key = word_key(word)
                if (column, key) not in seen:
                    seen.add((column, key))
                    rows.append(ValueWord(column=column, word=word, key=key, value=value))
    ValueWord.objects.bulk_create(rows, ignore_conflicts=True)


def unload(apps, schema_editor):
    apps.get_model("imports", "ValueWord").objects.filter(organisation__isnull=True).delete()


class Migration(migrations.Migration):
    dependencies = [("imports", "0002_words_value_word")]

    operations = [migrations.RunPython(load, unload)]
