"""Addresses of the leadership dashboards and the heads' accountability pages."""

from django.urls import path

from reports.dashboards import views

urlpatterns: list = [
    path("dashboard/", views.dashboard_home, name="dashboard_home"),
    path("units/<int:pk>/dashboard/", views.dashboard, name="dashboard"),
    path("units/<int:pk>/dashboard/summary.pdf", views.dashboard_pdf, name="dashboard_pdf"),
    path("units/<int:pk>/dashboard/summary/", views.dashboard_summary, name="dashboard_summary"),
    path("units/<int:pk>/dashboard/<slug:table>.xlsx", views.dashboard_xlsx, name="dashboard_xlsx"),
    path("units/<int:pk>/heads/", views.heads, name="heads"),
    path("units/<int:pk>/heads/heads.xlsx", views.heads_xlsx, name="heads_xlsx"),
    path("units/<int:pk>/heads/<int:person_pk>/", views.head_detail, name="head_detail"),
    path("units/<int:pk>/heads/<int:person_pk>/record.xlsx", views.head_detail_xlsx, name="head_detail_xlsx"),
]
