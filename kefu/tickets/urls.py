from django.urls import path

from . import views

app_name = "tickets"
urlpatterns = [
    path("", views.ticket_queue, name="queue"),
    path("new/", views.ticket_create, name="create"),
    path("new/customers/", views.customer_lookup, name="customer_lookup"),
    path("<int:pk>/", views.ticket_detail, name="detail"),
    path("<int:pk>/steps/<slug:code>/", views.transition, name="transition"),
    path("<int:pk>/comments/", views.comment, name="comment"),
    path("<int:pk>/attachments/", views.attach, name="attach"),
    path("<int:pk>/assign/", views.assign, name="assign"),
    path("<int:pk>/transfer/", views.transfer, name="transfer"),
    path("<int:pk>/transfer/decide/", views.transfer_decide, name="transfer_decide"),
    path("<int:pk>/supervise/", views.supervise, name="supervise"),
    path("<int:pk>/supervise/lift/", views.supervision_lift, name="supervision_lift"),
    path("<int:pk>/remind/", views.remind, name="remind"),
    path("<int:pk>/merge/", views.merge, name="merge"),
    path("<int:pk>/extension/", views.extension_request, name="extension_request"),
    path("<int:pk>/extension/decide/", views.extension_decide, name="extension_decide"),
    path("<int:pk>/link-customer/", views.link_customer, name="link_customer"),
    path("attachments/<int:pk>/", views.attachment_download, name="attachment"),
]
