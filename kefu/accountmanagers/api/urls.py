from rest_framework.routers import SimpleRouter

from .book_views import BookViewSet

# Ids are integers in the paths and the schema.
router = SimpleRouter(use_regex_path=False)
router.register("books", BookViewSet, basename="api-book")
urlpatterns = router.urls
