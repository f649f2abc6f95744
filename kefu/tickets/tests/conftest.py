import pytest

from kefu.core.testing.factories import install_workflows


@pytest.fixture(autouse=True)
def workflows(db):
    install_workflows()
