from django.urls import path

from . import views

app_name = "sales"

urlpatterns = [
    path("", views.pipeline, name="pipeline"),
    path("prospects/new/", views.prospect_new, name="prospect_new"),
    path("prospects/<int:pk>/", views.prospect, name="prospect"),
    path("prospects/<int:pk>/move/", views.prospect_move, name="prospect_move"),
    path("prospects/<int:pk>/convert/", views.prospect_convert, name="prospect_convert"),
    path("price-requests/", views.price_requests, name="price_requests"),
    path("price-requests/new/", views.price_request_new, name="price_request_new"),
    path("price-requests/<int:pk>/", views.price_request, name="price_request"),
    path("campaigns/", views.campaigns, name="campaigns"),
    path("campaigns/<int:pk>/", views.campaign, name="campaign"),
    path("campaign-entries/<int:pk>/", views.campaign_entry, name="campaign_entry"),
    path("targets/", views.targets, name="targets"),
    path("named/", views.named_customers, name="named"),
    path("named/<int:pk>/lost/", views.named_customer_lost, name="named_lost"),
    path("customers/<int:customer_id>/competitors/", views.customer_competitors, name="customer_competitors"),
    path("competitors/<int:pk>/", views.competitor_edit, name="competitor_edit"),
]
