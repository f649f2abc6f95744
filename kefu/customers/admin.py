"""Only tags are edited in the admin: customer changes go through services, which audit them."""

from django.contrib import admin

from .models import Tag


@admin.register(Tag)
class TagAdmin(admin.ModelAdmin):
    search_fields = ["name"]
