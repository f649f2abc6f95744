from django.urls import path

from . import import_views, views

app_name = "customers"
urlpatterns = [
    path("", views.customer_list, name="list"),
    path("new/", views.customer_create, name="create"),
    path("export/", views.customer_export, name="export"),
    path("data-quality/", views.data_quality, name="data_quality"),
    path("import/", import_views.import_start, name="import_start"),
    path("import/template/<str:kind>/", import_views.import_template, name="import_template"),
    path("import/<int:pk>/mapping/", import_views.import_mapping, name="import_mapping"),
    path("import/<int:pk>/", import_views.import_detail, name="import_detail"),
    path("import/<int:pk>/progress/", import_views.import_progress, name="import_progress"),
    path("import/<int:pk>/confirm/", import_views.import_confirm, name="import_confirm"),
    path("import/<int:pk>/retry/", import_views.import_retry, name="import_retry"),
    path("import/<int:pk>/discard/", import_views.import_discard, name="import_discard"),
    path("import/<int:pk>/errors.xlsx", import_views.import_errors_download, name="import_errors"),
    path("<int:pk>/", views.customer_detail, name="detail"),
    path("<int:pk>/edit/", views.customer_edit, name="edit"),
    path("<int:pk>/delete/", views.customer_delete, name="delete"),
    path("<int:pk>/anonymise/", views.customer_anonymise, name="anonymise"),
    path("<int:pk>/reveal/<str:field>/", views.customer_reveal, name="reveal"),
    path("<int:pk>/notes/", views.customer_note_add, name="note_add"),
    path("<int:pk>/key-persons/new/", views.key_person_create, name="key_person_create"),
    path("key-persons/<int:pk>/edit/", views.key_person_edit, name="key_person_edit"),
    path("key-persons/<int:pk>/delete/", views.key_person_delete, name="key_person_delete"),
]
