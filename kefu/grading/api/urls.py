from rest_framework.routers import SimpleRouter

from .views import CustomerGradeViewSet, ProposalViewSet, RunViewSet, SchemeViewSet

router = SimpleRouter(use_regex_path=False)
router.register("grading/schemes", SchemeViewSet, basename="api-grading-scheme")
router.register("grading/runs", RunViewSet, basename="api-grading-run")
router.register("grading/proposals", ProposalViewSet, basename="api-grading-proposal")
router.register("grading/customers", CustomerGradeViewSet, basename="api-grading-customer")
urlpatterns = router.urls
