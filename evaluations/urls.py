from django.urls import path

from evaluations import views

app_name = "evaluations"

urlpatterns = [
    path("evaluations/", views.index, name="index"),
    path("evaluations/sets/new/", views.set_create, name="set_create"),
    path("evaluations/sets/<int:pk>/", views.set_detail, name="set_detail"),
    path("evaluations/sets/<int:pk>/edit/", views.set_edit, name="set_edit"),
    path("evaluations/sets/<int:pk>/open/", views.set_open, name="set_open"),
    path("evaluations/sets/<int:pk>/ranking.xlsx", views.set_ranking_xlsx, name="set_ranking_xlsx"),
    path("evaluations/<int:pk>/", views.evaluation_detail, name="evaluation_detail"),
    path("evaluations/<int:pk>/sheet.pdf", views.evaluation_pdf, name="evaluation_pdf"),
    path("evaluations/<int:pk>/sheet.docx", views.evaluation_docx, name="evaluation_docx"),
    path("evaluations/<int:pk>/<slug:action>/", views.evaluation_action, name="evaluation_action"),
    path("commendations/", views.commendation_list, name="commendation_list"),
    path("commendations/<int:pk>/", views.commendation_detail, name="commendation_detail"),
    path("commendations/<int:pk>/edit/", views.commendation_edit, name="commendation_edit"),
    path("units/<int:unit_pk>/commendations/new/", views.commendation_create, name="commendation_create"),
    path("people/<int:pk>/evaluations/", views.person_evaluations, name="person_evaluations"),
]
