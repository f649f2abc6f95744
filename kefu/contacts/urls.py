from django.urls import path

from . import views

app_name = "contacts"

urlpatterns = [
    path("", views.due, name="due"),
    path("log/", views.log_contact, name="log"),
    path("history/", views.history, name="history"),
    path("plans/", views.plans, name="plans"),
    path("plans/<int:pk>/", views.plan_edit, name="plan_edit"),
    path("plans/<int:pk>/delete/", views.plan_delete, name="plan_delete"),
    path("reviews/", views.reviews, name="reviews"),
    path("reviews/<int:pk>/complete/", views.review_complete, name="review_complete"),
]
