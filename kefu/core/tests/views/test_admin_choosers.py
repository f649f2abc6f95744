"""The admin's two-box choosers (a user's groups and permissions) speak Chinese."""

import json
import re

import pytest
from django.urls import reverse


@pytest.mark.parametrize(
    "msgid",
    ['Choose %s by selecting them and then select the "Choose" arrow button.', "Choose all %s", "Remove all %s"],
)
def test_the_admin_choosers_words_are_in_the_chinese_script_catalog(client_for, staff_admin, msgid):
    # Django's catalog lacks these strings of its SelectFilter2.js: the user page showed them in English.
    script = client_for(staff_admin).get(reverse("admin:jsi18n"), HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    catalog = json.loads(re.search(r"const newcatalog = (\{.*?\});", script, re.S).group(1))
    assert re.search(r"[\u4e00-\u9fff]", catalog[msgid])
