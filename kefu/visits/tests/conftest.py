import pytest

from kefu.tickets.tests.factories import install_workflows


@pytest.fixture(autouse=True)
def workflows(db):
    install_workflows()  # an issue raised on a visit becomes a service request
