from rest_framework.routers import SimpleRouter

from .views import CustomerViewSet, KeyPersonViewSet

router = SimpleRouter()
router.register("customers", CustomerViewSet, basename="api-customer")
router.register("key-persons", KeyPersonViewSet, basename="api-key-person")
urlpatterns = router.urls
