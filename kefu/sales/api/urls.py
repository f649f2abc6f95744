from django.urls import path
from rest_framework.routers import SimpleRouter

from .views import (
    CampaignEntryResultView,
    CampaignViewSet,
    CompetitorRecordViewSet,
    NamedCustomerViewSet,
    PriceRequestViewSet,
    ProspectViewSet,
    RetentionView,
    TargetViewSet,
)

router = SimpleRouter(use_regex_path=False)
router.register("competitor-records", CompetitorRecordViewSet, basename="api-competitor-record")
router.register("prospects", ProspectViewSet, basename="api-prospect")
router.register("price-requests", PriceRequestViewSet, basename="api-price-request")
router.register("sales-campaigns", CampaignViewSet, basename="api-sales-campaign")
router.register("sales-targets", TargetViewSet, basename="api-sales-target")
router.register("named-group-customers", NamedCustomerViewSet, basename="api-named-group-customer")
urlpatterns = [
    *router.urls,
    path("sales-campaign-entries/<int:pk>/result/", CampaignEntryResultView.as_view(), name="api-sales-entry-result"),
    path("named-group-retention/", RetentionView.as_view(), name="api-named-retention"),
]
