from django.urls import path

from . import views

app_name = "outbox"

urlpatterns = [
    path("", views.message_list, name="list"),
    path("<int:pk>/", views.message_detail, name="detail"),
    path("<int:pk>/retry/", views.message_action, {"action": "retry"}, name="retry"),
    path("<int:pk>/cancel/", views.message_action, {"action": "cancel"}, name="cancel"),
    path("templates/", views.template_list, name="templates"),
    path("templates/new/", views.template_edit, name="template_new"),
    path("templates/<int:pk>/", views.template_edit, name="template_edit"),
    path("templates/<int:pk>/delete/", views.template_delete, name="template_delete"),
    path("customers/<int:customer_id>/opt-outs/", views.customer_optouts, name="optouts"),
    path("customers/<int:customer_id>/opt-outs/<int:pk>/remove/", views.optout_remove, name="optout_remove"),
]
