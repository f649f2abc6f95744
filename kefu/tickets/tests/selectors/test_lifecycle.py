"""Keyword search over requests (ticket_list): two-character Chinese words, common and rare keywords."""

import pytest
from django.db import connection

from kefu.tickets import services
from kefu.tickets.tests.factories import COMPLAINT


def test_keyword_search_finds_two_character_chinese_words_in_title_or_description(agent, own_customer):
    from kefu.tickets.selectors import ticket_list

    services.ticket_create(
        actor=agent, data={**COMPLAINT, "title": "电费异常", "description": "本月电费翻倍"}, customer=own_customer
    )
    services.ticket_create(actor=agent, data=COMPLAINT, customer=own_customer)
    titles = [t.title for t in ticket_list(agent, filters={"q": "停电"})]
    assert titles == ["计划停电未提前通知"]
    assert [t.title for t in ticket_list(agent, filters={"q": "翻倍"})] == ["电费异常"]
    assert [t.title for t in ticket_list(agent, filters={"q": "电费翻倍"})] == ["电费异常"]


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the keyword index is PostgreSQL's")
def test_a_common_long_keyword_is_read_newest_first_and_a_rare_one_through_the_index(agent, own_customer, monkeypatch):
    """Both ways find the same requests; only the way of reading them differs (_keyword_search)."""
    from kefu.tickets import selectors

    monkeypatch.setattr(selectors, "DENSITY_WINDOW", 3)
    monkeypatch.setattr(selectors, "DENSE_IN_WINDOW", 2)
    services.ticket_create(actor=agent, data={**COMPLAINT, "title": "变压器烧毁"}, customer=own_customer)
    for title in ("线路老化一", "线路老化二", "电表不走"):
        services.ticket_create(actor=agent, data={**COMPLAINT, "title": title}, customer=own_customer)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE tickets_ticket")  # what autovacuum does on a real table
    common = selectors.ticket_list(agent, filters={"q": "线路老化"})
    rare = selectors.ticket_list(agent, filters={"q": "变压器烧"})
    assert [t.title for t in common] == ["线路老化二", "线路老化一"]
    assert [t.title for t in rare] == ["变压器烧毁"]
    assert "to_tsvector" not in str(common.query) and "to_tsvector" in str(rare.query)
    # Outside the newest three a common term counts as rare: read through the index, still found.
    monkeypatch.setattr(selectors, "DENSITY_WINDOW", 1)
    assert [t.title for t in selectors.ticket_list(agent, filters={"q": "线路老化"})] == ["线路老化二", "线路老化一"]
    assert "to_tsvector" in str(selectors.ticket_list(agent, filters={"q": "线路老化"}).query)


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the keyword index is PostgreSQL's")
def test_a_one_bigram_keyword_is_judged_common_or_rare_by_the_planners_statistics(agent, own_customer):
    from kefu.tickets import selectors
    from kefu.tickets.tests.factories import TicketFactory

    TicketFactory.create_batch(150, owner=agent, customer=own_customer, title="线路检修", description="线路检修")
    TicketFactory(owner=agent, customer=own_customer, title="变压器烧毁", description="变压器烧毁")
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE tickets_ticket")  # what autovacuum does on a real table
    common = selectors.ticket_list(agent, filters={"q": "线路"})
    rare = selectors.ticket_list(agent, filters={"q": "烧毁"})
    assert "to_tsvector" not in str(common.query) and "to_tsvector" in str(rare.query)
    assert len(common) == 150 and [t.title for t in rare] == ["变压器烧毁"]
    # A longer term with a rare bigram goes to the index without counting the newest requests.
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        rare_long = selectors.ticket_list(agent, filters={"q": "线路烧毁"})
    # The one query is the look-up of customers named so (none here); the requests are not read yet.
    assert "to_tsvector" in str(rare_long.query) and len(queries) == 1 and not rare_long.exists()
