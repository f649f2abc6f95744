from django.urls import path

from . import views

app_name = "keyaccounts"

urlpatterns = [
    path("", views.account_list, name="list"),
    path("new/", views.account_create, name="create"),
    path("<int:pk>/", views.account_detail, name="detail"),
    path("<int:pk>/team/", views.team_add, name="team_add"),
    path("<int:pk>/team/<int:member_pk>/remove/", views.team_remove, name="team_remove"),
    path("<int:pk>/plans/", views.plan_add, name="plan_add"),
    path("<int:pk>/plans/<int:plan_pk>/close/", views.plan_close, name="plan_close"),
    path("<int:pk>/plans/<int:plan_pk>/items/", views.item_add, name="item_add"),
    path("<int:pk>/items/<int:item_pk>/done/", views.item_done, name="item_done"),
    path("<int:pk>/agreements/", views.agreement_add, name="agreement_add"),
    path("<int:pk>/agreements/<int:agreement_pk>/file/", views.agreement_download, name="agreement_download"),
]
