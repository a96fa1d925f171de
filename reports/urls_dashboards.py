"""Addresses of the leadership dashboards and the heads' accountability pages (issue 6)."""

urlpatterns: list = []
