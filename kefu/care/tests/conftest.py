import pytest

from kefu.customers.models import Tier
from kefu.outbox.choices import Channel
from kefu.outbox.models import MessageTemplate


@pytest.fixture
def templates(db):
    """The outbox templates care and notices send with (greeting, outage and restoration)."""
    made = {}
    for purpose, body in (
        ("care_spring", "{{ customer_name }}，{{ occasion }}快乐！"),
        ("care_birthday", "{{ recipient_name }}，生日快乐！"),
        ("outage_notice", "{{ customer_name }}：{{ area }}将于{{ starts_at }}停电，原因：{{ reason }}"),
        ("restoration_notice", "{{ customer_name }}：{{ area }}已于{{ restored_at }}恢复供电"),
    ):
        made[purpose] = MessageTemplate.objects.create(
            purpose=purpose, channel=Channel.SMS, name=purpose, body=body, is_active=True
        )
    return made


@pytest.fixture
def green_tier(db):
    Tier.objects.update_or_create(code="三星", defaults={"label": "三星", "rank": 1, "green_channel": True})
    Tier.objects.update_or_create(code="一星", defaults={"label": "一星", "rank": 3, "green_channel": False})
    return "三星"
