from rest_framework.routers import SimpleRouter

from .views import CallbackRuleViewSet, CallbackViewSet

router = SimpleRouter(use_regex_path=False)
router.register("callbacks", CallbackViewSet, basename="api-callback")
router.register("callback-rules", CallbackRuleViewSet, basename="api-callback-rule")
urlpatterns = router.urls
