from rest_framework.routers import SimpleRouter

from .views import MessageViewSet, OptOutViewSet, TemplateViewSet

router = SimpleRouter(use_regex_path=False)
router.register("outbox/messages", MessageViewSet, basename="api-outbox-message")
router.register("outbox/templates", TemplateViewSet, basename="api-outbox-template")
router.register("outbox/opt-outs", OptOutViewSet, basename="api-outbox-optout")
urlpatterns = router.urls
