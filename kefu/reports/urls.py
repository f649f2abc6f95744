from django.urls import path

from . import views

app_name = "reports"
urlpatterns = [
    path("complaints/", views.complaint_report, name="complaints"),
    path("complaints/export/", views.complaint_report_export, name="complaints_export"),
]
