from django.urls import path
from rest_framework.routers import SimpleRouter

from . import views

router = SimpleRouter()
router.register("requests", views.RequestViewSet, basename="api-request")
urlpatterns = [
    *router.urls,
    path("transfers/<int:pk>/decide/", views.transfer_decide, name="api-transfer-decide"),
    path("extensions/<int:pk>/decide/", views.extension_decide, name="api-extension-decide"),
    path("lookup/caller/", views.caller_lookup, name="api-caller-lookup"),
]
