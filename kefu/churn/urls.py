from django.urls import path

from . import views

app_name = "churn"

urlpatterns = [
    path("", views.churn_list, name="list"),
    path("export/", views.churn_export, name="export"),
    path("run/", views.run_now, name="run"),
    path("settings/", views.settings_page, name="settings"),
    path("tasks/", views.tasks, name="tasks"),
    path("tasks/<int:pk>/", views.task_detail, name="task"),
    path("customers/<int:customer_id>/", views.customer_detail, name="customer"),
]
