from django.urls import path

from . import views

app_name = "grading"
urlpatterns = [
    path("", views.index, name="index"),
    path("presets/", views.install_preset, name="install_preset"),
    path("schemes/new/", views.scheme_edit, name="scheme_create"),
    path("schemes/<int:scheme_id>/", views.scheme_detail, name="scheme"),
    path("schemes/<int:scheme_id>/edit/", views.scheme_edit, name="scheme_edit"),
    path("schemes/<int:scheme_id>/run/", views.scheme_run, name="scheme_run"),
    path("schemes/<int:scheme_id>/use/", views.scheme_use, name="scheme_use"),
    path("runs/<int:run_id>/", views.run_detail, name="run"),
    path("proposals/", views.proposals, name="proposals"),
    path("proposals/decide/", views.decide, name="decide"),
    path("customers/<int:customer_id>/", views.customer_grade, name="customer"),
    path("customers/<int:customer_id>/export/", views.customer_grade_export, name="customer_export"),
]
