from django.urls import path

from . import views

app_name = "customers"
urlpatterns = [
    path("", views.customer_list, name="list"),
    path("new/", views.customer_create, name="create"),
    path("export/", views.customer_export, name="export"),
    path("data-quality/", views.data_quality, name="data_quality"),
    path("<int:pk>/", views.customer_detail, name="detail"),
    path("<int:pk>/edit/", views.customer_edit, name="edit"),
    path("<int:pk>/delete/", views.customer_delete, name="delete"),
    path("<int:pk>/reveal/<str:field>/", views.customer_reveal, name="reveal"),
    path("<int:pk>/notes/", views.customer_note_add, name="note_add"),
    path("<int:pk>/key-persons/new/", views.key_person_create, name="key_person_create"),
    path("key-persons/<int:pk>/edit/", views.key_person_edit, name="key_person_edit"),
    path("key-persons/<int:pk>/delete/", views.key_person_delete, name="key_person_delete"),
]
