from csp.constants import UNSAFE_INLINE
from csp.decorators import csp_update
from django.conf import settings
from django.conf.urls.static import static
from django.contrib import admin
from django.urls import include, path, re_path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from kefu.core.api import not_found
from kefu.core.health import healthz, readyz
from kefu.core.metrics import metrics_view
from kefu.core.views import favicon, workbench

# The API first, requests first in it: Django tries the patterns in order, and each include whose
# prefix does not match raises (and catches) an exception; hotline systems call the API most.
api_patterns = [
    path("", include("kefu.tickets.api.urls")),
    path("", include("kefu.customers.api.urls")),
    path("", include("kefu.org.api.urls")),
    path("", include("kefu.accountmanagers.api.urls")),
    path("", include("kefu.grading.api.urls")),
    path("", include("kefu.callbacks.api.urls")),
    path("", include("kefu.visits.api.urls")),
    path("", include("kefu.care.api.urls")),
    path("", include("kefu.contacts.api.urls")),
    path("", include("kefu.sales.api.urls")),
    path("", include("kefu.collection.api.urls")),
    path("", include("kefu.churn.api.urls")),
    path("", include("kefu.keyaccounts.api.urls")),
    path("", include("kefu.outbox.api.urls")),
    re_path(r"", not_found),  # last: a path that names no endpoint is a JSON 404
]

urlpatterns = [
    path("api/v1/", include(api_patterns)),
    # Probes and metrics for the operations team (docs/deployment.md).
    path("healthz", healthz, name="healthz"),
    path("readyz", readyz, name="readyz"),
    path("metrics", metrics_view, name="metrics"),
    path("", workbench, name="workbench"),
    path("accounts/", include("kefu.org.urls")),
    path("customers/", include("kefu.customers.urls")),
    path("requests/", include("kefu.tickets.urls")),
    path("audit/", include("kefu.audit.urls")),
    path("notifications/", include("kefu.inbox.urls")),
    path("reports/", include("kefu.reports.urls")),
    path("grading/", include("kefu.grading.urls")),
    path("managers/", include("kefu.accountmanagers.urls")),
    path("callbacks/", include("kefu.callbacks.urls")),
    path("visits/", include("kefu.visits.urls")),
    path("care/", include("kefu.care.urls")),
    path("contacts/", include("kefu.contacts.urls")),
    path("sales/", include("kefu.sales.urls")),
    path("collection/", include("kefu.collection.urls")),
    path("churn/", include("kefu.churn.urls")),
    path("keyaccounts/", include("kefu.keyaccounts.urls")),
    path("outbox/", include("kefu.outbox.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    # Browsers ask for /favicon.ico on every page (the admin's too): answered, not a 404 each time.
    path("favicon.ico", favicon),
    path("admin/", admin.site.urls),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    # The split view serves its script as a file: no inline script for the Content-Security-Policy.
    # Swagger UI sets inline styles as it draws: allowed on this page only (it shows no data).
    path(
        "api/docs/",
        csp_update({"style-src": [UNSAFE_INLINE]})(SpectacularSwaggerSplitView.as_view(url_name="api-schema")),
        name="api-docs",
    ),
]
urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT) if settings.DEBUG else []

# A database outage met in a middleware is answered 503, not 500 (kefu/core/resilience.py).
handler500 = "kefu.core.resilience.server_error"
