"""App boundaries (docs/architecture.md, "Apps"): dependencies run one way, and an app's SQL
names its own tables only. Imports inside functions count: a lazy import is still a dependency.
"""

import ast
import re
from pathlib import Path

import pytest
from django.apps import apps

KEFU = Path(__file__).resolve().parents[2]
APPS = sorted(p.name for p in KEFU.iterdir() if (p / "apps.py").exists())
DOMAIN_APPS = set(APPS) - {"core"}


def _modules(app: str):
    for path in (KEFU / app).rglob("*.py"):
        if not {"tests", "migrations", "testing"} & set(path.relative_to(KEFU).parts):
            yield path, ast.parse(path.read_text())


def _imported_apps(app: str) -> dict[str, str]:
    """Every other kefu app this app's code imports, with one module that does it."""
    found = {}
    for path, tree in _modules(app):
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                names = [node.module]
            elif isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            else:
                continue
            for name in names:
                parts = name.split(".")
                if len(parts) > 1 and parts[0] == "kefu" and parts[1] in APPS and parts[1] != app:
                    found.setdefault(parts[1], str(path.relative_to(KEFU)))
    return found


def test_no_two_apps_import_each_other():
    imports = {app: _imported_apps(app) for app in APPS}
    cycles = [
        f"{a} ({imports[a][b]}) <-> {b} ({imports[b][a]})"
        for a in APPS
        for b in APPS
        if a < b and b in imports[a] and a in imports[b]
    ]
    assert cycles == []


def test_core_imports_no_domain_app():
    assert set(_imported_apps("core")) & DOMAIN_APPS == set()


@pytest.mark.parametrize("app", APPS)
def test_an_apps_sql_names_only_its_own_tables(app):
    """Raw SQL (the SLA sweep's claims) may name the app's own tables; another app's rows are
    reached through that app's functions or the ORM."""
    others = {
        model._meta.db_table
        for config in apps.get_app_configs()
        if config.name.startswith("kefu.") and config.label != app
        for model in config.get_models()
    }
    pattern = re.compile(r"\b(" + "|".join(sorted(others)) + r")\b")
    named = [
        (str(path.relative_to(KEFU)), node.lineno, pattern.search(node.value).group(0))
        for path, tree in _modules(app)
        for node in ast.walk(tree)
        if isinstance(node, ast.Constant) and isinstance(node.value, str) and pattern.search(node.value)
    ]
    assert named == []
