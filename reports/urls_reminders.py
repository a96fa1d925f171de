"""Addresses of the in-app notifications and the reminder log (issue 5)."""

urlpatterns: list = []
