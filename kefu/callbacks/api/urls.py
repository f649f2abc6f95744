from rest_framework.routers import SimpleRouter

from .views import CallbackRuleViewSet, CallbackViewSet, CampaignViewSet

router = SimpleRouter(use_regex_path=False)
router.register("callbacks", CallbackViewSet, basename="api-callback")
router.register("callback-rules", CallbackRuleViewSet, basename="api-callback-rule")
router.register("campaigns", CampaignViewSet, basename="api-campaign")
urlpatterns = router.urls
