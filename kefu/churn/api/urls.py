from rest_framework.routers import SimpleRouter

from .views import ChurnRunViewSet, ChurnScoreViewSet, ChurnSettingsViewSet, RetentionTaskViewSet

router = SimpleRouter(use_regex_path=False)
router.register("churn/scores", ChurnScoreViewSet, basename="api-churn-score")
router.register("churn/runs", ChurnRunViewSet, basename="api-churn-run")
router.register("churn/settings", ChurnSettingsViewSet, basename="api-churn-settings")
router.register("churn/tasks", RetentionTaskViewSet, basename="api-churn-task")
urlpatterns = router.urls
