from django.urls import path

from registers import views, views_figures

app_name = "registers"

urlpatterns = [
    path("registers/", views.register_index, name="index"),
    path("registers/figures/", views_figures.figures, name="figures"),
    path("registers/receptions/heads/", views_figures.heads_below, name="heads_below"),
    path("registers/files/<int:pk>/", views.attachment_download, name="attachment_download"),
    path("registers/override/<int:report_pk>/", views_figures.override, name="override"),
    path("registers/<slug:register>/", views.record_list, name="record_list"),
    path("registers/<slug:register>/new/", views.record_create, name="record_create"),
    path("registers/<slug:register>/export.xlsx", views.record_export, name="record_export"),
    path("registers/<slug:register>/template.xlsx", views.import_template, name="import_template"),
    path("registers/<slug:register>/import/", views.record_import, name="record_import"),
    path("registers/<slug:register>/<int:pk>/", views.record_detail, name="record_detail"),
    path("registers/<slug:register>/<int:pk>/edit/", views.record_edit, name="record_edit"),
]
