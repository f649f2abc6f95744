"""The API's identity endpoint and its documents: for signed-in staff only, with their assets served locally."""

import pytest
from django.urls import reverse


@pytest.mark.parametrize("url_name", ["api-me", "api-schema", "api-docs"])
def test_api_documents_and_identity_need_a_login(client, url_name):
    assert client.get(reverse(url_name)).status_code in (401, 403)


@pytest.mark.parametrize("url_name", ["api-me", "api-schema", "api-docs"])
def test_any_staff_member_reads_the_api_documents(client_for, handler, url_name):
    assert client_for(handler).get(reverse(url_name)).status_code == 200


def test_api_docs_load_their_assets_locally(client_for, agent):
    body = client_for(agent).get(reverse("api-docs")).content.decode()
    assert "/static/drf_spectacular_sidecar/" in body
    assert "cdn" not in body.lower()
