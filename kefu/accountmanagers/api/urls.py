from rest_framework.routers import SimpleRouter

from .book_views import BookViewSet
from .views import AccountManagerViewSet, AssignmentPlanViewSet, AssignmentViewSet, HandoverViewSet

# Ids are integers in the paths and the schema.
router = SimpleRouter(use_regex_path=False)
router.register("books", BookViewSet, basename="api-book")
router.register("account-managers", AccountManagerViewSet, basename="api-account-manager")
router.register("assignment-plans", AssignmentPlanViewSet, basename="api-assignment-plan")
router.register("assignments", AssignmentViewSet, basename="api-assignment")
router.register("handovers", HandoverViewSet, basename="api-handover")
urlpatterns = router.urls
