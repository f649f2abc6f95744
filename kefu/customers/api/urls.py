from rest_framework.routers import SimpleRouter

from .views import CustomerViewSet, ImportJobViewSet, KeyPersonViewSet, TierViewSet

# Ids are integers in the paths and the schema: `/customers/abc/` does not match (404).
router = SimpleRouter(use_regex_path=False)
router.register("customers", CustomerViewSet, basename="api-customer")
router.register("key-persons", KeyPersonViewSet, basename="api-key-person")
router.register("tiers", TierViewSet, basename="api-tier")
router.register("customer-imports", ImportJobViewSet, basename="api-import")
urlpatterns = router.urls
