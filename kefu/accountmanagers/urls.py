from django.urls import path

from . import book_views, views

app_name = "accountmanagers"
urlpatterns = [
    path("", views.manager_list, name="managers"),
    path("<int:manager_id>/profile/", views.profile_edit, name="profile_edit"),
    path("<int:manager_id>/departure/", views.departure, name="departure"),
    path("assign/", views.assign, name="assign"),
    path("assignment/", views.assignment_run, name="assignment_run"),
    path("plans/", views.plan_list, name="plans"),
    path("plans/<int:plan_id>/", views.plan_detail, name="plan"),
    path("plans/<int:plan_id>/progress/", views.plan_progress, name="plan_progress"),
    path("plans/<int:plan_id>/apply/", views.plan_apply, name="plan_apply"),
    path("plans/<int:plan_id>/discard/", views.plan_discard, name="plan_discard"),
    path("handovers/", views.handover_list, name="handovers"),
    path("handovers/<int:handover_id>/", views.handover_detail, name="handover"),
    path("handovers/<int:handover_id>/acknowledge/", views.handover_acknowledge, name="handover_acknowledge"),
    path("books/", book_views.books_index, name="books_index"),
    path("books/all/", book_views.books_overview, name="books"),
    path("books/all/count/", book_views.books_refresh, name="books_refresh"),
    path("books/<int:manager_id>/", book_views.book_detail, name="book"),
]
