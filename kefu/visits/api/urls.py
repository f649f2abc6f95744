from rest_framework.routers import SimpleRouter

from .views import VisitViewSet

router = SimpleRouter(use_regex_path=False)
router.register("visits", VisitViewSet, basename="api-visit")
urlpatterns = router.urls
