"""The workflow admin shows each step's effect (kept on the workflow data, not its code) in Chinese."""


def test_the_workflow_admin_shows_the_effects_in_chinese(client_for, org):
    from django.urls import reverse

    from kefu.org.choices import Role
    from kefu.org.tests.factories import UserFactory
    from kefu.tickets.models import Workflow

    root = UserFactory(username="root", role=Role.ADMIN, org_unit=org["company"], is_staff=True, is_superuser=True)
    workflow = Workflow.objects.get(ticket_type="complaint")
    page = client_for(root).get(reverse("admin:tickets_workflow_change", args=[workflow.pk])).content.decode()
    assert "到达现场" in page and "效果" in page
    assert '<option value="mark_valid" selected>判定投诉有效</option>' in page
