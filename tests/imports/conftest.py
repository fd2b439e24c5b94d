import pytest

from tests.children.conftest import register  # noqa: F401 - a fixture the pages' tests use
from tests.factories import province


@pytest.fixture
def tehran(db):
    return province("tehran")
