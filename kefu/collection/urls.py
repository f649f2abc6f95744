from django.urls import path

from . import views

app_name = "collection"

urlpatterns = [
    path("", views.arrears, name="list"),
    path("import/", views.import_file, name="import"),
    path("export.xlsx", views.export, name="export"),
    path("rates/", views.rates, name="rates"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/remind/", views.remind, name="remind"),
    path("<int:pk>/steps/", views.step, name="step"),
    path("<int:pk>/promises/", views.promise, name="promise"),
    path("<int:pk>/payments/", views.payment, name="payment"),
]
