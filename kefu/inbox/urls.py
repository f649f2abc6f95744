from django.urls import path

from . import views

app_name = "inbox"
urlpatterns = [
    path("", views.notification_list, name="list"),
    path("latest/", views.notification_dropdown, name="dropdown"),
    path("<int:pk>/", views.notification_open, name="open"),
    path("read-all/", views.notifications_read_all, name="read_all"),
]
