"""The services reference list, for code that needs the rows without running migrations.

Migration 0003 loads the same list; transactional tests and the demo seed flush or start from an
empty table, so they call `ensure_services()`.
"""

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

SERVICE_CODES = [code for code, _fa, _en in SERVICES]


def ensure_services():
    """Create any missing service row; returns {code: Service}."""
    from .models import Service

    for position, (code, name_fa, name_en) in enumerate(SERVICES, start=1):
        Service.objects.get_or_create(
            code=code, defaults={"name_fa": name_fa, "name_en": name_en, "position": position}
        )
    return {service.code: service for service in Service.objects.all()}
