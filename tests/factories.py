"""factory_boy factories for the models every test needs."""

import factory
from django.contrib.auth import get_user_model

from core.models import Province
from core.permissions import Role
from ngos.models import Membership, Organisation

PROVINCE_NAMES = {
    "tehran": ("تهران", "Tehran", "TEH"),
    "razavi-khorasan": ("خراسان رضوی", "Razavi Khorasan", "RKH"),
    "sistan-baluchestan": ("سیستان و بلوچستان", "Sistan and Baluchestan", "SBL"),
}

TEST_PASSWORD = "correct horse battery staple"


def province(code="tehran"):
    """A province row; transactional tests flush the migration's reference data, so recreate it."""
    name_fa, name_en, abbreviation = PROVINCE_NAMES[code]
    obj, _ = Province.objects.get_or_create(
        code=code, defaults={"name_fa": name_fa, "name_en": name_en, "abbreviation": abbreviation}
    )
    return obj


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation

    name_fa = factory.Sequence(lambda n: f"سازمان مردم‌نهاد شماره {n}")
    name_en = factory.Sequence(lambda n: f"NGO number {n}")
    code = factory.Sequence(lambda n: f"T{n:04d}")
    kind = Organisation.Kind.NGO
    home_province = factory.LazyFunction(province)


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ["username"]
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    first_name = "کاربر"
    last_name = factory.Sequence(lambda n: f"آزمایشی {n}")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.org")
    password = factory.django.Password(TEST_PASSWORD)


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory)
    organisation = factory.SubFactory(OrganisationFactory)
    role = Role.CASEWORKER


def member(username, organisation, role, **extra):
    """A user with a membership in `organisation` with `role`."""
    user = UserFactory(username=username)
    MembershipFactory(user=user, organisation=organisation, role=role, **extra)
    return user


def service(code="education"):
    """A service row by its code; transactional tests flush the migration's reference data."""
    from ngos.reference import ensure_services

    return ensure_services()[code]


class ServiceOfferingFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "ngos.ServiceOffering"

    organisation = factory.SubFactory(OrganisationFactory)
    service = factory.LazyFunction(service)
    capacity_per_month = 20
