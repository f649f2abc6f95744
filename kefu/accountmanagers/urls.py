from django.urls import path

from . import book_views

app_name = "accountmanagers"
urlpatterns = [
    path("books/", book_views.books_index, name="books_index"),
    path("books/all/", book_views.books_overview, name="books"),
    path("books/all/count/", book_views.books_refresh, name="books_refresh"),
    path("books/<int:manager_id>/", book_views.book_detail, name="book"),
]
