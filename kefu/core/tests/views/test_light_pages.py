"""Light pages for a branch office's slow link (issue 22): static files hashed, compressed and
cached for a year; ECharts only on the page that draws charts; the icon font cut to the icons
used; the login form's inputs styled like every other field."""

import re
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.contrib.staticfiles.storage import staticfiles_storage
from django.core.management import call_command
from django.test import override_settings

VENDOR = Path(django_settings.BASE_DIR) / "kefu" / "static" / "vendor"


HASHED = {"staticfiles": {"BACKEND": "kefu.core.storage.StaticFilesStorage"}}


@pytest.fixture(scope="module")
def collected_root(tmp_path_factory):
    """collectstatic as `make run` does it, of Kefu's own static files, into a fresh directory
    (once for the module: Brotli at its best takes a while)."""
    root = tmp_path_factory.mktemp("static")
    finders = ["django.contrib.staticfiles.finders.FileSystemFinder"]
    with override_settings(
        STATIC_ROOT=root, STATICFILES_FINDERS=finders, STORAGES={**django_settings.STORAGES, **HASHED}
    ):
        call_command("collectstatic", interactive=False, verbosity=0)
    return root


@pytest.fixture
def collected(settings, collected_root):
    settings.STATIC_ROOT = collected_root
    settings.STORAGES = {**settings.STORAGES, **HASHED}
    return collected_root


def test_collected_static_files_have_hashed_names_and_compressed_copies_cached_for_a_year(collected, client):
    url = staticfiles_storage.url("css/kefu.css")
    assert re.fullmatch(r"/static/css/kefu\.[0-9a-f]{12}\.css", url), url
    name = url.removeprefix("/static/")
    assert (collected / f"{name}.gz").exists() and (collected / f"{name}.br").exists()
    response = client.get(url, headers={"accept-encoding": "gzip, br"})
    assert response.status_code == 200
    assert response["Content-Encoding"] == "br"
    assert "immutable" in response["Cache-Control"] and "max-age=315360000" in response["Cache-Control"]
    assert int(response["Content-Length"]) < (collected / name).stat().st_size / 3


def test_pages_name_the_hashed_files_once_collected(collected, client, agent):
    client.force_login(agent)
    html = client.get("/").content.decode()
    assert re.search(r'href="/static/vendor/bootstrap/bootstrap\.min\.[0-9a-f]{12}\.css"', html)
    assert re.search(r'src="/static/js/kefu\.[0-9a-f]{12}\.js" defer', html)


def test_before_collectstatic_pages_name_the_plain_files(settings, client, agent, tmp_path):
    settings.STATIC_ROOT = tmp_path / "nothing-collected"
    settings.STORAGES = {**settings.STORAGES, **HASHED}
    client.force_login(agent)
    html = client.get("/").content.decode()
    assert 'src="/static/js/kefu.js" defer' in html
    assert client.get("/static/js/kefu.js").status_code == 200


def test_echarts_loads_only_on_the_page_that_draws_charts_and_after_its_load_event(client, supervisor):
    client.force_login(supervisor)
    for address in ["/", "/requests/", "/customers/"]:
        assert "echarts" not in client.get(address).content.decode(), address
    html = client.get("/reports/complaints/").content.decode()
    assert re.search(r'data-echarts="/static/vendor/echarts/echarts\.kefu\.min\.js"', html)
    assert re.search(r'<script src="/static/reports/complaint-charts\.js" defer>', html)
    assert '<script src="/static/vendor/echarts' not in html  # fetched by complaint-charts.js after load
    assert "echarts.init" not in html  # the drawing code is a static file, not an inline script


def test_the_icon_font_holds_every_icon_a_template_names():
    css = (VENDOR / "bootstrap-icons" / "bootstrap-icons.min.css").read_text()
    named = set()
    for template in (Path(django_settings.BASE_DIR) / "kefu").rglob("*.html"):
        named |= set(re.findall(r"\bbi-([a-z0-9]+(?:-[a-z0-9]+)*)\b", template.read_text()))
    missing = sorted(name for name in named if f".bi-{name}::before" not in css)
    assert missing == [], f"icons not in the cut font (run `make assets`): {missing}"
    assert (VENDOR / "bootstrap-icons" / "fonts" / "bootstrap-icons.woff2").stat().st_size < 40_000


@pytest.mark.parametrize("address", ["/accounts/login/"])
def test_the_login_inputs_are_styled_like_every_field(client, address):
    html = client.get(address).content.decode()
    for name in ["username", "password"]:
        tag = re.search(rf'<input [^>]*name="{name}"[^>]*>', html).group(0)
        assert 'class="form-control"' in tag, tag


def test_the_password_change_inputs_are_styled_and_a_refused_one_is_marked(client, agent):
    client.force_login(agent)
    html = client.post("/accounts/password/", {"old_password": "wrong"}).content.decode()
    tag = re.search(r'<input [^>]*name="old_password"[^>]*>', html).group(0)
    assert 'class="form-control is-invalid"' in tag and 'aria-invalid="true"' in tag, tag
    assert 'aria-describedby="id_old_password_error"' in tag and 'id="id_old_password_error"' in html


def test_pages_are_sent_compressed_to_a_browser_that_accepts_gzip(client, agent):
    client.force_login(agent)
    plain = client.get("/requests/")
    packed = client.get("/requests/", headers={"accept-encoding": "gzip"})
    assert packed["Content-Encoding"] == "gzip" and "Content-Encoding" not in plain
    assert len(packed.content) < len(plain.content) / 3


def test_api_answers_are_not_compressed_for_clients_that_do_not_decode_them(client, agent):
    client.force_login(agent)
    response = client.get("/api/v1/requests/", headers={"accept-encoding": "gzip"})
    assert response.status_code == 200 and "Content-Encoding" not in response
