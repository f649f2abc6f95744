from rest_framework.routers import SimpleRouter

from .views import KeyAccountViewSet

router = SimpleRouter(use_regex_path=False)
router.register("key-accounts", KeyAccountViewSet, basename="api-key-account")
urlpatterns = router.urls
