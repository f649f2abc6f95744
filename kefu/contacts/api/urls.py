from rest_framework.routers import SimpleRouter

from .views import ContactDueViewSet, ContactPlanViewSet, ContactViewSet, KeyAccountReviewViewSet

router = SimpleRouter(use_regex_path=False)
router.register("contacts/due", ContactDueViewSet, basename="api-contact-due")
router.register("contacts/plans", ContactPlanViewSet, basename="api-contact-plan")
router.register("contacts/reviews", KeyAccountReviewViewSet, basename="api-contact-review")
router.register("contacts", ContactViewSet, basename="api-contact")
urlpatterns = router.urls
