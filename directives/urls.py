from django.urls import path

from directives import views, views_progress, views_watches

app_name = "directives"

urlpatterns = [
    path("directives/", views.directive_list, name="directive_list"),
    path("directives/new/", views.directive_create, name="directive_create"),
    path("directives/export.xlsx", views.directive_export, name="directive_export"),
    path("directives/<int:pk>/", views.directive_detail, name="directive_detail"),
    path("directives/<int:pk>/edit/", views.directive_edit, name="directive_edit"),
    path("directives/<int:pk>/relate/", views.directive_relate, name="directive_relate"),
    path("directives/<int:pk>/attachments/add/", views.attachment_add, name="attachment_add"),
    path("directives/<int:pk>/assign/", views.assignment_create, name="assignment_create"),
    path("relations/<int:pk>/delete/", views.relation_delete, name="relation_delete"),
    path("attachments/<int:pk>/download/", views.attachment_download, name="attachment_download"),
    path("assignments/<int:pk>/edit/", views.assignment_edit, name="assignment_edit"),
    path("assignments/<int:pk>/cancel/", views.assignment_cancel, name="assignment_cancel"),
    path("units/<int:pk>/tasks/", views.unit_tasks, name="unit_tasks"),
    path("tasks/", views.my_tasks, name="my_tasks"),
    path("assignments/<int:pk>/", views_progress.assignment_detail, name="assignment_detail"),
    path("evidence/<int:pk>/download/", views_progress.evidence_download, name="evidence_download"),
    path("watches/", views_watches.watch_list, name="watch_list"),
    path("watches/new/", views_watches.watch_create, name="watch_create"),
    path("watches/<int:pk>/", views_watches.watch_detail, name="watch_detail"),
]
