"""Weights and threshold: changed by admins only, checked field by field, audited, applied by
the next run and kept with it (page and API agree)."""

from decimal import Decimal

import pytest

from kefu.audit.models import AuditEvent
from kefu.churn.models import ChurnScore
from kefu.churn.selectors import current_settings
from kefu.churn.services import churn_run
from kefu.conftest import api, login

from ..conftest import AS_OF, volumes

pytestmark = pytest.mark.django_db


def _page(user, **data):
    settings = current_settings()
    return login(user).post("/churn/settings/", {**_all_fields(settings), "version": settings.version, **data})


def _api(user, **data):
    return api(user).patch(
        "/api/v1/churn/settings/current/", {"version": current_settings().version, **data}, format="json"
    )


def _all_fields(settings) -> dict:
    from kefu.churn.services import SETTING_FIELDS

    return {name: str(getattr(settings, name)) for name in SETTING_FIELDS}


@pytest.mark.parametrize("change", [_page, _api])
def test_an_admin_changes_a_weight_and_the_threshold_audited(change, admin_user):
    response = change(admin_user, weight_volume="40", threshold="45.5")
    assert response.status_code in (200, 302)
    settings = current_settings()
    assert (settings.weight_volume, settings.threshold, settings.version) == (Decimal("40"), Decimal("45.5"), 2)
    event = AuditEvent.objects.get(target_type="churn.churnsettings", action="updated")
    assert event.changes["weight_volume"] == ["30.00", "40"]


@pytest.mark.parametrize("change", [_page, _api])
def test_bad_values_are_refused_each_by_its_field_and_nothing_changes(change, admin_user):
    response = change(admin_user, weight_volume="150", complaints_full="0", recent_months="2.5")
    assert response.status_code == 400
    errors = response.json() if change is _api else response.context["form"].errors
    assert {"weight_volume", "complaints_full", "recent_months"} <= set(errors)
    assert current_settings().version == 1


def test_text_instead_of_a_number_is_refused_on_its_field_through_the_api(admin_user):
    response = _api(admin_user, threshold="abc")
    assert response.status_code == 400 and "threshold" in response.json()


@pytest.mark.parametrize("change", [_page, _api])
def test_a_supervisor_cannot_change_the_settings(change, supervisor):
    assert change(supervisor, threshold="10").status_code == 403
    assert current_settings().threshold == Decimal("50")


def test_a_stale_version_is_a_conflict(admin_user):
    response = api(admin_user).patch(
        "/api/v1/churn/settings/current/", {"version": 7, "threshold": "10"}, format="json"
    )
    assert response.status_code == 409


def test_the_api_requires_the_version(admin_user):
    response = api(admin_user).patch("/api/v1/churn/settings/current/", {"threshold": "10"}, format="json")
    assert response.status_code == 400 and "version" in response.json()


def test_the_next_run_applies_a_new_weight_and_keeps_the_rules_it_ran_with(admin_user, own_customer):
    volumes(own_customer, earlier=1000, recent=0)
    first = churn_run(actor=admin_user, as_of=AS_OF)
    assert _api(admin_user, weight_volume="60").status_code == 200
    second = churn_run(actor=admin_user, as_of=AS_OF)
    assert ChurnScore.objects.get(run=first, customer=own_customer).points_volume == Decimal("30")
    assert ChurnScore.objects.get(run=second, customer=own_customer).points_volume == Decimal("60")
    assert (first.rules["weights"]["volume"], second.rules["weights"]["volume"]) == ("30.00", "60.00")


def test_managers_read_the_settings_through_the_api_and_agents_do_not(manager, agent):
    answer = api(manager).get("/api/v1/churn/settings/current/")
    assert answer.status_code == 200 and answer.json()["threshold"] == "50.00"
    assert api(agent).get("/api/v1/churn/settings/current/").status_code == 403
