from django.urls import path

from . import views

app_name = "care"

urlpatterns = [
    path("", views.calendar, name="calendar"),
    path("rules/", views.rules, name="rules"),
    path("rules/<int:pk>/", views.rule_edit, name="rule_edit"),
    path("rules/<int:pk>/generate/", views.batch_generate, name="batch_generate"),
    path("dates/", views.custom_occasion_add, name="custom_occasion_add"),
    path("dates/<int:pk>/active/", views.custom_occasion_active, name="custom_occasion_active"),
    path("batches/", views.batches, name="batches"),
    path("batches/<int:pk>/", views.batch, name="batch"),
    path("batches/<int:pk>/approve/", views.batch_approve, name="batch_approve"),
    path("batches/<int:pk>/reject/", views.batch_reject, name="batch_reject"),
    path("notices/", views.notices, name="notices"),
    path("notices/new/", views.notice_create, name="notice_create"),
    path("notices/<int:pk>/", views.notice, name="notice"),
    path("notices/<int:pk>/cancel/", views.notice_cancel, name="notice_cancel"),
    path("notices/<int:pk>/restore/", views.notice_restore, name="notice_restore"),
    path("lines/", views.lines, name="lines"),
    path("lines/upload/", views.lines_upload, name="lines_upload"),
    path("lines/<int:pk>/active/", views.line_active, name="line_active"),
]
