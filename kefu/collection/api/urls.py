from django.urls import path
from rest_framework.routers import SimpleRouter

from .views import ArrearViewSet, PaymentViewSet, RatesView, TargetViewSet

router = SimpleRouter(use_regex_path=False)
router.register("arrears", ArrearViewSet, basename="api-arrear")
router.register("payments", PaymentViewSet, basename="api-payment")
router.register("collection-targets", TargetViewSet, basename="api-collection-target")
urlpatterns = [path("collection/rates/", RatesView.as_view(), name="api-collection-rates"), *router.urls]
