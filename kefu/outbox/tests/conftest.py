import pytest

from kefu.outbox.tests import fakes


def transports(backend: str, **config) -> dict:
    return {channel: {"BACKEND": backend, **config} for channel in ("email", "sms", "wecom", "file")}


@pytest.fixture
def recording(settings):
    """Every channel through the recording transport (no rate limit)."""
    fakes.delivered.clear()
    settings.OUTBOX_TRANSPORTS = transports("kefu.outbox.tests.fakes.RecordingTransport")
    return fakes.delivered
