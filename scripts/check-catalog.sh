#!/usr/bin/env bash
# Every message in the code has a Chinese translation: regenerate the catalog from the code
# (makemessages), look for entries without a translation, then put the committed file back.
set -euo pipefail
po=locale/zh_Hans/LC_MESSAGES/django.po
saved=$(mktemp)
cp "$po" "$saved"
trap 'cp "$saved" "$po"; rm -f "$saved"' EXIT
python manage.py makemessages -l zh_Hans --ignore=.venv --ignore=node_modules --ignore=bench --no-obsolete -v0
python - "$po" <<'PY'
import re, sys
missing = []
for block in open(sys.argv[1], encoding="utf-8").read().split("\n\n")[1:]:
    code = "\n".join(line for line in block.splitlines() if not line.startswith("#|"))
    msgid = "".join(re.findall(r'"((?:[^"\\]|\\.)*)"', code.split("msgid ", 1)[-1].split("msgstr")[0]))
    translations = re.findall(r'^msgstr(?:\[\d\])? ((?:".*"\n?)+)', code + "\n", re.M)
    empty = any(not "".join(re.findall(r'"((?:[^"\\]|\\.)*)"', t)) for t in translations)
    if msgid and ("#, fuzzy" in code or empty):
        missing.append(msgid)
if missing:
    print(f"{len(missing)} messages in the code lack a Chinese translation (run makemessages, translate):")
    print("\n".join(f"  {m}" for m in missing[:30]))
    sys.exit(1)
PY
