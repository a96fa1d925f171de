from django.urls import path

from units import views, views_excel

app_name = "units"

urlpatterns = [
    path("units/", views.unit_tree, name="unit_tree"),
    path("units/import/", views_excel.excel_import, name="excel_import"),
    path("units/import/template.xlsx", views_excel.excel_template, name="excel_template"),
    path("units/<int:pk>/", views.unit_detail, name="unit_detail"),
    path("units/<int:pk>/children/", views.unit_children, name="unit_children"),
    path("units/<int:parent_pk>/add/", views.unit_create, name="unit_create"),
    path("units/<int:pk>/edit/", views.unit_edit, name="unit_edit"),
    path("units/<int:pk>/heads/add/", views.headship_create, name="headship_create"),
    path("units/<int:pk>/bodies/add/", views.body_create, name="body_create"),
    path("units/<int:pk>/access/", views.unit_access, name="unit_access"),
    path("grants/<int:pk>/revoke/", views.grant_revoke, name="grant_revoke"),
    path("heads/<int:pk>/end/", views.headship_end, name="headship_end"),
    path("bodies/<int:pk>/", views.body_detail, name="body_detail"),
    path("bodies/<int:pk>/edit/", views.body_edit, name="body_edit"),
    path("bodies/<int:pk>/members/add/", views.membership_add, name="membership_add"),
    path("memberships/<int:pk>/end/", views.membership_end, name="membership_end"),
    path("people/", views.person_list, name="person_list"),
    path("people/<int:pk>/", views.person_detail, name="person_detail"),
    path("people/<int:pk>/edit/", views.person_edit, name="person_edit"),
]
