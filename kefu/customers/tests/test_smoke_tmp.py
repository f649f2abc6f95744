def test_pages_render(client_for, manager, own_customer, auditor):
    c = client_for(manager)
    for url in [
        "/",
        "/customers/",
        f"/customers/{own_customer.pk}/",
        "/customers/new/",
        f"/customers/{own_customer.pk}/edit/",
        "/customers/data-quality/",
        "/api/v1/customers/",
        f"/api/v1/customers/{own_customer.pk}/",
        "/api/schema/",
        "/api/docs/",
    ]:
        r = c.get(url)
        assert r.status_code == 200, (url, r.status_code, r.content[:3000])
    r = client_for(auditor).get("/audit/")
    assert r.status_code == 200
