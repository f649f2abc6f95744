from rest_framework.routers import SimpleRouter

from .views import CareBatchViewSet, CareRuleViewSet, CustomOccasionViewSet, NoticeViewSet, SupplyLineViewSet

router = SimpleRouter(use_regex_path=False)
router.register("care/rules", CareRuleViewSet, basename="api-care-rule")
router.register("care/dates", CustomOccasionViewSet, basename="api-care-date")
router.register("care/batches", CareBatchViewSet, basename="api-care-batch")
router.register("care/notices", NoticeViewSet, basename="api-care-notice")
router.register("care/lines", SupplyLineViewSet, basename="api-care-line")
urlpatterns = router.urls
