from django.urls import path

from . import views

app_name = "callbacks"

urlpatterns = [
    path("", views.desk, name="desk"),
    path("<int:pk>/", views.call, name="call"),
    path("<int:pk>/", views.call, name="detail"),
    path("<int:pk>/claim/", views.claim, name="claim"),
    path("<int:pk>/release/", views.release, name="release"),
    path("<int:pk>/result/", views.result, name="result"),
    path("<int:pk>/attempt/", views.attempt, name="attempt"),
    path("campaigns/", views.campaigns, name="campaigns"),
    path("campaigns/<int:pk>/", views.campaign, name="campaign"),
    path("campaigns/<int:pk>/report.xlsx", views.campaign_export, name="campaign_export"),
    path("campaigns/<int:pk>/report.pdf", views.campaign_pdf, name="campaign_pdf"),
    path("campaigns/<int:pk>/calls/<int:call_id>/", views.campaign_call, name="campaign_call"),
    path("campaigns/<int:pk>/calls/<int:call_id>/claim/", views.campaign_call_claim, name="campaign_call_claim"),
    path("campaigns/<int:pk>/calls/<int:call_id>/release/", views.campaign_call_release, name="campaign_call_release"),
    path(
        "campaigns/<int:pk>/calls/<int:call_id>/faults/<int:index>/request/",
        views.campaign_fault,
        name="campaign_fault",
    ),
    path("satisfaction/", views.satisfaction, name="satisfaction"),
    path("satisfaction/summary.xlsx", views.summary_export, name="summary_export"),
    path("satisfaction/records.xlsx", views.records_export, name="records_export"),
]
