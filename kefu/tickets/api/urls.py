from django.urls import path
from rest_framework.routers import SimpleRouter

from . import views

# Ids are integers in the paths and the schema: `/requests/abc/` does not match (404).
router = SimpleRouter(use_regex_path=False)
router.register("requests", views.RequestViewSet, basename="api-request")
urlpatterns = [
    *router.urls,
    path("transfers/<int:pk>/decide/", views.transfer_decide, name="api-transfer-decide"),
    path("extensions/<int:pk>/decide/", views.extension_decide, name="api-extension-decide"),
    path("lookup/caller/", views.caller_lookup, name="api-caller-lookup"),
]
