from django.urls import path

from . import views

app_name = "visits"

urlpatterns = [
    path("", views.plan, name="plan"),
    path("calendar/", views.month, name="month"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/book/", views.book, name="book"),
    path("<int:pk>/record/", views.record, name="record"),
    path("<int:pk>/issues/<int:index>/request/", views.issue_to_request, name="issue_to_request"),
]
