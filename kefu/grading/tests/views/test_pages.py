"""Grading pages: what each role sees, the explanation on the 360 page, the export, editing rules."""

import csv
import io

import pytest
from django.urls import reverse

from kefu.audit.choices import AuditAction
from kefu.audit.models import AuditEvent
from kefu.grading import presets, services
from kefu.grading.models import GradeProposal, GradingScheme
from kefu.grading.tests.factories import AS_OF, graded_customer, volumes


@pytest.fixture
def graded(admin_user, manager, org):
    """A customer of `manager` graded by the weighted preset (80 → 三星, proposed from 一星)."""
    customer = graded_customer(
        name="鸿达物流", account_manager=manager, org_unit=org["east_team"], tier="一星", credit_rating="A",
        potential="medium",
    )  # fmt: skip
    volumes(customer, {"2026-03": (120000, 300000)})
    scheme = services.scheme_install_preset(actor=admin_user, preset=presets.SEED_WEIGHTED)
    services.scheme_put_in_use(actor=admin_user, scheme=scheme)
    services.grading_run(actor=admin_user, scheme=scheme, as_of=AS_OF)
    return customer


@pytest.mark.django_db
def test_the_customer_360_page_explains_each_criterion(client_for, manager, graded):
    page = client_for(manager).get(reverse("customers:detail", args=[graded.pk])).content.decode()
    assert 'id="customer-panel-grade"' in page
    assert "25 × 100 / 100 = 25" in page  # volume 120,000: 特级, 100 points at weight 25
    assert "特级 (≥ 100000)" in page
    assert reverse("grading:customer", args=[graded.pk]) in page


@pytest.mark.django_db
def test_the_grade_page_shows_explanation_pending_change_and_history(client_for, supervisor, graded):
    response = client_for(supervisor).get(reverse("grading:customer", args=[graded.pk]))
    page = response.content.decode()
    assert response.status_code == 200
    assert 'id="grade-explanation"' in page and "特级 (≥ 100000)" in page
    assert response.context["grade"]["pending"].to_tier == "三星"
    assert response.context["grade"]["explanation"].score == 80


@pytest.mark.django_db
def test_a_manager_sees_no_grade_of_another_managers_customer(client_for, other_manager, graded):
    assert client_for(other_manager).get(reverse("grading:customer", args=[graded.pk])).status_code == 404
    assert client_for(other_manager).get(reverse("grading:customer_export", args=[graded.pk])).status_code == 404


@pytest.mark.django_db
def test_the_export_for_the_customer_holds_the_explanation_and_is_audited(client_for, manager, graded):
    response = client_for(manager).get(reverse("grading:customer_export", args=[graded.pk]))
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0][1] == "鸿达物流"
    assert ["期内业务量", "120000", "特级 (≥ 100000)", "25", "100", "25"] in rows
    assert AuditEvent.objects.filter(action=AuditAction.EXPORTED, customer_id=graded.pk).exists()


@pytest.mark.django_db
def test_the_export_writes_formula_like_text_as_text(client_for, admin_user, supervisor, graded):
    services.grade_override(actor=supervisor, customer=graded, tier="二星", reason="=HYPERLINK(1)")
    response = client_for(supervisor).get(reverse("grading:customer_export", args=[graded.pk]))
    assert "'=HYPERLINK(1)" in response.content.decode("utf-8-sig")


@pytest.mark.django_db
def test_the_proposals_page_lists_pending_ones_in_scope(client_for, supervisor, other_manager, graded, org):
    response = client_for(supervisor).get(reverse("grading:proposals"))
    assert response.status_code == 200
    assert [p.customer_id for p in response.context["page_obj"]] == [graded.pk]
    assert "鸿达物流" in response.content.decode()


@pytest.mark.django_db
def test_the_proposals_page_names_a_refused_filter(client_for, supervisor, graded):
    response = client_for(supervisor).get(reverse("grading:proposals"), {"run": "abc"})
    assert response.status_code == 200 and response.context["filter_errors"]


@pytest.mark.django_db
def test_index_and_scheme_pages_render(client_for, admin_user, graded):
    client = client_for(admin_user)
    assert client.get(reverse("grading:index")).status_code == 200
    scheme = GradingScheme.objects.get()
    assert client.get(reverse("grading:scheme", args=[scheme.pk])).status_code == 200
    assert client.get(reverse("grading:scheme_edit", args=[scheme.pk])).status_code == 200
    assert client.get(reverse("grading:run", args=[scheme.runs.get().pk])).status_code == 200


@pytest.mark.django_db
def test_the_scheme_form_saves_rules_typed_as_band_lines(client_for, admin_user):
    body = {
        "name": "信用优先", "description": "", "method": "weighted", "period_months": "12",
        "tier_bands": "三星 60\n二星 30\n一星 0",
        "weight_credit_rating": "100", "bands_credit_rating": "A 100 甲\nB 50 乙",
    }  # fmt: skip
    response = client_for(admin_user).post(reverse("grading:scheme_create"), body)
    scheme = GradingScheme.objects.get(name="信用优先")
    assert response.status_code == 302
    assert [(c.source, c.bands) for c in scheme.criteria.all()] == [
        (
            "credit_rating",
            [{"value": "A", "points": "100", "label": "甲"}, {"value": "B", "points": "50", "label": "乙"}],
        )
    ]
    assert scheme.tier_bands[0] == {"tier": "三星", "min_score": "60"}


@pytest.mark.django_db
def test_the_scheme_form_names_bad_rules_and_saves_nothing(client_for, admin_user):
    body = {
        "name": "错误方案", "method": "weighted", "period_months": "12", "tier_bands": "三星 60\n五星 0",
        "weight_credit_rating": "100", "bands_credit_rating": "Z 100",
    }  # fmt: skip
    response = client_for(admin_user).post(reverse("grading:scheme_create"), body)
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert set(errors) == {"tier_bands", "__all__"}  # the criteria's messages above the table
    assert "Z" in " ".join(errors["__all__"])
    assert not GradingScheme.objects.exists()


@pytest.mark.parametrize("role", ["manager", "supervisor", "agent"])
@pytest.mark.django_db
def test_only_admins_run_and_configure(role, request, client_for, graded):
    user = request.getfixturevalue(role)
    scheme = GradingScheme.objects.get()
    client = client_for(user)
    assert client.post(reverse("grading:scheme_run", args=[scheme.pk])).status_code == 403
    assert client.post(reverse("grading:install_preset"), {"preset": "abc"}).status_code == 403
    assert GradingScheme.objects.count() == 1 and scheme.runs.count() == 1


@pytest.mark.django_db
def test_a_run_from_the_page_makes_proposals(client_for, admin_user, graded):
    GradeProposal.objects.all().delete()
    scheme = GradingScheme.objects.get()
    response = client_for(admin_user).post(reverse("grading:scheme_run", args=[scheme.pk]))
    assert response.status_code == 302
    assert GradeProposal.objects.filter(customer=graded, to_tier="三星").exists()


@pytest.mark.django_db
def test_the_workbench_counts_proposals_awaiting_the_supervisors_approval(client_for, supervisor, manager, graded):
    cards = client_for(supervisor).get(reverse("workbench")).context["cards"]
    assert {"title": "等级调整建议", "value": 1} in [{k: c[k] for k in ("title", "value")} for c in cards]
    cards = client_for(manager).get(reverse("workbench")).context["cards"]
    assert "等级调整建议" not in [c["title"] for c in cards]  # a manager does not approve


@pytest.mark.parametrize(
    ("next_url", "lands_on"),
    [
        ("/grading/proposals/?status=pending", "/grading/proposals/?status=pending"),
        ("//evil.example/", None),
        ("/\\evil.example/", None),  # browsers read "/\" as "//": another site
        ("https://evil.example/", None),
    ],
)
@pytest.mark.django_db
def test_a_decision_returns_only_to_a_page_of_this_site(next_url, lands_on, client_for, supervisor, graded):
    proposal = GradeProposal.objects.get()
    body = {"decision": "reject", "ids": [proposal.pk], "next": next_url}
    response = client_for(supervisor).post(reverse("grading:decide"), body)
    assert response.status_code == 302
    assert response["Location"] == (lands_on or reverse("grading:proposals"))
