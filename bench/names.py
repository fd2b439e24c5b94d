"""Names and places for the generated data: the spelling variants that make duplicate matching
hard, the provinces, cities and street-outreach hotspots of Iran, and the words organisation names
are made of. The people's names themselves are the demo's (`children.demo_names`), so the demo
and the bench draw from one list.
"""

from core.persian import ZWNJ

# Misspellings caseworkers make, one letter for another that sounds the same.
SOUND_ALIKE = {
    "ذ": "ز",
    "ز": "ذ",
    "ظ": "ز",
    "ض": "ز",
    "ث": "س",
    "ص": "س",
    "س": "ص",
    "ط": "ت",
    "ت": "ط",
    "ح": "ه",
    "ق": "غ",
    "غ": "ق",
}


def variant(name, rng):
    """A second spelling of `name` as another caseworker might type it.

    Compounds split or joined (محمدرضا, محمد رضا, محمد‌رضا), a dropped madda (آرش/ارش), Arabic
    ة for final ه, ئ/ی, a sound-alike letter (ذبیح/زبیح), a long vowel added or dropped
    (فاطمه/فاطیمه), الله written اله. Arabic ي/ك are not produced: the services store them as
    ی/ک already.
    """
    options = []
    if ZWNJ in name:
        options += [name.replace(ZWNJ, " "), name.replace(ZWNJ, "")]
    if "آ" in name:
        options.append(name.replace("آ", "ا", 1))
    if name.endswith("ه") and len(name) > 3:
        options.append(name[:-1] + "ة")
    if "ئ" in name:
        options.append(name.replace("ئ", "ی"))
    if "الله" in name:
        options.append(name.replace("الله", "اله"))
    for i, letter in enumerate(name):
        if letter in SOUND_ALIKE and i > 0:
            options.append(name[:i] + SOUND_ALIKE[letter] + name[i + 1 :])
            break
    for prefix in ("محمد", "امیر", "علی", "غلام"):
        if name.startswith(prefix) and len(name) > len(prefix) + 1 and ZWNJ not in name:
            options += [prefix + " " + name[len(prefix) :], prefix + ZWNJ + name[len(prefix) :]]
            break
    middle = len(name) // 2
    if len(name) >= 4 and name[middle] not in "ی ":
        options.append(name[:middle] + "ی" + name[middle:])
    if not options:
        return name
    return rng.choice(options)


# Provinces by code: weight (a mix of population and the numbers of working and migrant
# children NGOs report), cities, and the capital's coordinates.
PROVINCES = {
    "tehran": (14.0, ["تهران", "اسلامشهر", "ورامین", "شهریار"], (35.69, 51.39)),
    "razavi-khorasan": (7.5, ["مشهد", "نیشابور", "سبزوار"], (36.30, 59.60)),
    "isfahan": (6.0, ["اصفهان", "کاشان", "شاهین‌شهر"], (32.65, 51.67)),
    "fars": (5.0, ["شیراز", "مرودشت"], (29.59, 52.58)),
    "khuzestan": (5.0, ["اهواز", "دزفول", "آبادان"], (31.32, 48.67)),
    "east-azerbaijan": (4.0, ["تبریز", "مراغه"], (38.08, 46.29)),
    "alborz": (3.8, ["کرج", "فردیس", "نظرآباد"], (35.84, 50.94)),
    "sistan-baluchestan": (3.8, ["زاهدان", "زابل", "چابهار"], (29.50, 60.86)),
    "kerman": (3.5, ["کرمان", "رفسنجان"], (30.28, 57.08)),
    "mazandaran": (3.3, ["ساری", "بابل", "آمل"], (36.56, 53.06)),
    "west-azerbaijan": (3.2, ["ارومیه", "خوی"], (37.55, 45.08)),
    "qom": (2.6, ["قم"], (34.64, 50.88)),
    "gilan": (2.4, ["رشت", "بندر انزلی"], (37.28, 49.58)),
    "kermanshah": (2.2, ["کرمانشاه"], (34.31, 47.07)),
    "golestan": (2.0, ["گرگان"], (36.84, 54.43)),
    "hormozgan": (2.0, ["بندرعباس"], (27.18, 56.27)),
    "lorestan": (1.9, ["خرم‌آباد"], (33.49, 48.36)),
    "hamadan": (1.9, ["همدان"], (34.80, 48.51)),
    "kurdistan": (1.7, ["سنندج"], (35.31, 46.99)),
    "ardabil": (1.4, ["اردبیل"], (38.25, 48.29)),
    "qazvin": (1.4, ["قزوین"], (36.27, 50.00)),
    "markazi": (1.4, ["اراک"], (34.09, 49.69)),
    "yazd": (1.3, ["یزد"], (31.90, 54.37)),
    "bushehr": (1.2, ["بوشهر"], (28.92, 50.84)),
    "zanjan": (1.1, ["زنجان"], (36.68, 48.48)),
    "south-khorasan": (1.0, ["بیرجند"], (32.87, 59.22)),
    "chaharmahal-bakhtiari": (0.9, ["شهرکرد"], (32.33, 50.86)),
    "north-khorasan": (0.9, ["بجنورد"], (37.47, 57.33)),
    "kohgiluyeh-boyer-ahmad": (0.8, ["یاسوج"], (30.67, 51.59)),
    "semnan": (0.8, ["سمنان"], (35.58, 53.39)),
    "ilam": (0.6, ["ایلام"], (33.64, 46.42)),
}

# Canonical forms use a ZWNJ or a space inside compounds; typed variants swap them, which the
# search key (core.persian.normalize) folds back to the same hotspot_key.
HOTSPOT_KINDS = [
    "چهار راه",
    "میدان",
    "پارک",
    "ترمینال",
    "بازار",
    "ایستگاه مترو",
    "پل",
    "خیابان",
    "بلوار",
    "پایانه",
]
LANDMARKS = [
    "ولیعصر",
    "آزادی",
    "انقلاب",
    "امام\u200cخمینی",
    "شهدا",
    "بهمن",
    "جمهوری",
    "فردوسی",
    "حافظ",
    "سعدی",
    "امام\u200cرضا",
    "طالقانی",
    "مطهری",
    "شریعتی",
    "کارگر",
    "ستارخان",
    "نواب",
    "هفت\u200cتیر",
    "ونک",
    "تجریش",
    "راه\u200cآهن",
    "خیام",
    "مولوی",
    "منیریه",
    "گمرک",
    "شوش",
    "بهارستان",
    "توحید",
    "پونک",
    "صادقیه",
    "فلسطین",
    "کشاورز",
    "قدس",
    "ملت",
    "سپه",
    "استقلال",
    "بسیج",
    "معلم",
    "دانشگاه",
    "رسالت",
]
DISTRICTS = [f"منطقه {n}" for n in range(1, 23)] + ["مرکز شهر", "حاشیه شهر", "شهرک صنعتی"]

ORG_NAME_PARTS = (
    "انجمن حمایت از کودکان کار",
    "جمعیت امام علی",
    "خانه کودک",
    "انجمن یاری کودکان در معرض خطر",
    "مؤسسه خیریه",
    "کانون حمایت از حقوق کودک",
    "جمعیت دفاع از کودکان کار و خیابان",
    "انجمن مهرآفرین",
    "بنیاد کودک",
    "سازمان مردم‌نهاد امید فردا",
)
