"""Group-customer confidentiality (SPEC §1, seed 002): the business file of a key account's group
(agreements, volumes and revenue, key persons' preferences, competitor notes) is read only by its
team and their superiors; other staff see the service card. Checked through page and API."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from kefu.conftest import api
from kefu.customers.models import Customer
from kefu.customers.selectors import business_file_customers, business_file_visible
from kefu.keyaccounts import services
from kefu.keyaccounts.selectors import business_file_narrow, business_file_readable

SECRETS = ("98,765", "98765", "HT-2026-001", "移动报价低10%", "喜欢喝普洱", "忌讳周一来电", "ZX-88")


@pytest.mark.parametrize("via", ["page", "api"])
def test_an_agent_outside_the_team_cannot_read_the_groups_agreement_or_revenue(
    via, client_for, account, agreement, head, site, agent
):
    if via == "page":
        page = client_for(agent).get(reverse("customers:detail", args=[head.pk]))
        assert page.status_code == 200
        text = page.content.decode()
        assert "华联集团" in text and "王经理" in text  # the service card: name, the manager to call
        assert not [secret for secret in SECRETS if secret in text]
        member = client_for(agent).get(reverse("customers:detail", args=[site.pk])).content.decode()
        assert "4,321" not in member and "4321" not in member
        # Nor the agreement: the key account's page is the team's, its file is not there for others.
        assert client_for(agent).get(reverse("keyaccounts:detail", args=[account.pk])).status_code == 404
        download = reverse("keyaccounts:agreement_download", args=[account.pk, agreement.pk])
        assert client_for(agent).get(download).status_code == 404
    else:
        customer = api(agent).get(f"/api/v1/customers/{head.pk}/").json()
        assert customer["business_file"] is False
        assert customer["contract_no"] == "" and customer["competitor_info"] == ""
        assert customer["name"] == "华联集团"
        listed = api(agent).get("/api/v1/customers/", {"q": "华联"}).json()["results"]
        assert {row["name"]: row["contract_no"] for row in listed}["华联集团"] == ""
        assert api(agent).get(f"/api/v1/customers/{head.pk}/volumes/").status_code == 403
        assert api(agent).get(f"/api/v1/customers/{site.pk}/volumes/").status_code == 403
        people = api(agent).get("/api/v1/key-persons/", {"customer": head.pk}).json()
        assert [(p["name"], p["preferences"], p["taboos"]) for p in people] == [("刘总", "", "")]
        assert api(agent).get(f"/api/v1/key-accounts/{account.pk}/agreements/").status_code == 404


def test_an_admin_manages_the_account_but_does_not_read_its_file(client_for, account, agreement, admin_user, head):
    page = client_for(admin_user).get(reverse("keyaccounts:detail", args=[account.pk]))
    assert page.status_code == 200 and "集团客户服务协议" not in page.content.decode()
    download = reverse("keyaccounts:agreement_download", args=[account.pk, agreement.pk])
    assert client_for(admin_user).get(download).status_code == 403
    assert api(admin_user).get(f"/api/v1/key-accounts/{account.pk}/agreements/").status_code == 403
    assert api(admin_user).get(f"/api/v1/customers/{head.pk}/volumes/").status_code == 403
    with pytest.raises(Exception) as refused:
        services.agreement_add(actor=admin_user, account=account, data={"title": "补充协议"})
    assert getattr(refused.value, "status_code", None) == 403


@pytest.mark.parametrize("reader", ["phone_agent", "supervisor", "auditor"])
def test_the_team_and_their_superiors_read_the_business_file(request, reader, client_for, account, head):
    user = request.getfixturevalue(reader)
    text = client_for(user).get(reverse("customers:detail", args=[head.pk])).content.decode()
    assert "98,765" in text and "HT-2026-001" in text and "喜欢喝普洱" in text and "ZX-88" in text
    assert api(user).get(f"/api/v1/customers/{head.pk}/").json()["contract_no"] == "HT-2026-001"
    volumes = api(user).get(f"/api/v1/customers/{head.pk}/volumes/").json()
    assert [row["revenue"] for row in volumes] == ["98765.00"]


def test_a_deputy_reads_and_downloads_the_agreement_on_the_key_account_page(client_for, account, deputy, tmp_path):
    upload = SimpleUploadedFile("协议.pdf", b"%PDF-1.4 signed", content_type="application/pdf")
    agreement = services.agreement_add(
        actor=deputy,
        account=account,
        data={"title": "集团客户服务协议", "signed_on": "2026-01-05"},
        uploaded_file=upload,
    )
    page = client_for(deputy).get(reverse("keyaccounts:detail", args=[account.pk])).content.decode()
    assert "集团客户服务协议" in page
    download = client_for(deputy).get(reverse("keyaccounts:agreement_download", args=[account.pk, agreement.pk]))
    assert download.status_code == 200 and b"".join(download.streaming_content) == b"%PDF-1.4 signed"
    listed = api(deputy).get(f"/api/v1/key-accounts/{account.pk}/agreements/").json()
    assert [row["title"] for row in listed] == ["集团客户服务协议"]


def test_a_members_own_manager_reads_that_members_file(account, site, other_manager):
    assert business_file_visible(other_manager, site)
    assert api(other_manager).get(f"/api/v1/customers/{site.pk}/volumes/").status_code == 200


def test_a_customer_in_no_key_account_keeps_its_file_for_everyone_who_sees_it(account, foreign_customer, agent):
    foreign_customer.contract_no = "HT-FREE"
    foreign_customer.save()
    assert business_file_visible(agent, foreign_customer)
    assert api(agent).get(f"/api/v1/customers/{foreign_customer.pk}/").json()["contract_no"] == "HT-FREE"


def test_an_inactive_key_account_keeps_nothing_back(account, head, agent):
    account.active = False
    account.save()
    assert business_file_visible(agent, head)
    assert business_file_customers(agent).filter(pk=head.pk).exists()


def test_the_single_check_and_the_set_based_narrowing_agree(
    account, head, branch, site, own_customer, foreign_customer,
    agent, admin_user, phone_agent, supervisor, auditor, manager, other_manager, deputy, engineer,
):  # fmt: skip
    customers = [head, branch, site, own_customer, foreign_customer]
    for user in (agent, admin_user, phone_agent, supervisor, auditor, manager, other_manager, deputy, engineer):
        narrowed = set(business_file_narrow(user, Customer.objects.all()).values_list("pk", flat=True))
        for customer in customers:
            assert business_file_readable(user, customer) == (customer.pk in narrowed), (user, customer)
    # And through the customers app's selector, within the reader's scope.
    assert set(business_file_customers(agent).values_list("name", flat=True)) == {"张三", "李四"}


def test_the_edit_forms_leave_the_business_file_out_for_an_admin_outside_the_team(
    client_for, account, head, admin_user
):
    person = head.key_persons.get()
    edit = client_for(admin_user).get(reverse("customers:edit", args=[head.pk])).content.decode()
    assert "HT-2026-001" not in edit and "移动报价低10%" not in edit and 'name="contract_no"' not in edit
    person_form = client_for(admin_user).get(reverse("customers:key_person_edit", args=[person.pk])).content.decode()
    assert "喜欢喝普洱" not in person_form and 'name="preferences"' not in person_form
    # Saving the form keeps what it did not show.
    data = {"name": "华联集团（总部）", "kind": head.kind, "status": head.status, "version": head.version,
            "account_manager": head.account_manager_id}  # fmt: skip
    response = client_for(admin_user).post(reverse("customers:edit", args=[head.pk]), data)
    assert response.status_code == 302, response.context["form"].errors
    head.refresh_from_db()
    assert (head.name, head.contract_no, head.competitor_info) == ("华联集团（总部）", "HT-2026-001", "移动报价低10%")


def test_the_api_refuses_a_change_to_the_business_file_from_an_admin_outside_the_team_naming_the_field(
    account, head, admin_user, manager
):
    # What the API shows such a reader blank must not come back as a change: refused, nothing written.
    answer = api(admin_user).patch(
        f"/api/v1/customers/{head.pk}/", {"contract_no": "", "name": "华联集团（总部）", "version": head.version},
        format="json",
    )  # fmt: skip
    assert answer.status_code == 400 and set(answer.json()) == {"contract_no"}, answer.json()
    person = head.key_persons.get()
    answer = api(admin_user).patch(
        f"/api/v1/key-persons/{person.pk}/", {"taboos": "", "version": person.version}, format="json"
    )
    assert answer.status_code == 400 and set(answer.json()) == {"taboos"}, answer.json()
    answer = api(admin_user).post(
        "/api/v1/key-persons/", {"customer": head.pk, "name": "赵处", "preferences": "茶"}, format="json"
    )
    assert answer.status_code == 400 and set(answer.json()) == {"preferences"}, answer.json()
    head.refresh_from_db()
    person.refresh_from_db()
    assert (head.name, head.contract_no, person.taboos) == ("华联集团", "HT-2026-001", "忌讳周一来电")
    assert head.key_persons.count() == 1
    # The rest of the record is theirs to change; the team changes the file too.
    renamed = api(admin_user).patch(
        f"/api/v1/customers/{head.pk}/", {"name": "华联集团（总部）", "version": head.version}, format="json"
    )
    assert renamed.status_code == 200, renamed.json()
    answer = api(manager).patch(
        f"/api/v1/customers/{head.pk}/", {"contract_no": "HT-2027-001", "version": head.version + 1}, format="json"
    )
    assert answer.status_code == 200 and answer.json()["contract_no"] == "HT-2027-001"


def test_the_edit_form_shows_the_business_file_to_the_team(client_for, account, head, manager):
    assert 'name="contract_no"' in client_for(manager).get(reverse("customers:edit", args=[head.pk])).content.decode()


def test_the_grade_explanation_keeps_the_groups_revenue_back_from_an_admin_outside_the_team(
    client_for, account, head, admin_user, supervisor
):
    from datetime import date

    from kefu.grading import services as grading

    rules = {
        "name": "收入", "method": "weighted",
        "criteria": [{"source": "revenue_total", "weight": 100, "bands": [{"min": 0, "points": 100}]}],
        "tier_bands": [{"tier": "三星", "min_score": 100}, {"tier": "一星", "min_score": 0}],
    }  # fmt: skip
    scheme = grading.scheme_create(actor=admin_user, data=rules)
    grading.grading_run(actor=admin_user, scheme=scheme, as_of=date(2026, 12, 5))
    for user, shown in ((admin_user, False), (supervisor, True)):
        page = client_for(user).get(reverse("grading:customer", args=[head.pk])).content.decode()
        assert ("98,765" in page or "98765" in page) is shown, user
        answer = api(user).get(f"/api/v1/grading/customers/{head.pk}/").json()
        assert (answer["explanation"] is not None) is shown, answer
        export = b"".join(client_for(user).get(reverse("grading:customer_export", args=[head.pk]))).decode()
        assert ("98765" in export) is shown
        panel = client_for(user).get(reverse("customers:detail", args=[head.pk])).content.decode()
        assert ("98,765" in panel or "98765" in panel) is shown


def test_the_audit_trail_keeps_the_groups_file_values_from_an_admin_outside_the_team(
    client_for, account, head, manager, admin_user, auditor
):
    from kefu.customers.services import customer_update

    customer_update(actor=manager, customer=head, expected_version=head.version, data={"contract_no": "HT-2027-777"})
    services.agreement_add(actor=manager, account=account, data={"title": "补充协议", "number": "BC-555"})

    trail = reverse("audit:list") + f"?customer={head.pk}"
    admin_sees = client_for(admin_user).get(trail).content.decode()
    assert "补充协议" not in admin_sees and "BC-555" not in admin_sees and "HT-2027-777" not in admin_sees
    assert "***" in admin_sees  # the change is listed, its values are not
    auditor_sees = client_for(auditor).get(trail).content.decode()
    assert "BC-555" in auditor_sees and "HT-2027-777" in auditor_sees
