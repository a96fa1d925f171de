from django.urls import path

from reports import views, views_forms
from reports.calendar import views as views_calendar
from reports.dashboards import urls as urls_dashboards
from reports.reminders import urls as urls_reminders

app_name = "reports"

urlpatterns = [
    path("reports/", views.my_reports, name="my_reports"),
    path("reports/review/", views.review_inbox, name="review_inbox"),
    path("reports/forms/", views_forms.form_list, name="form_list"),
    path("reports/calendar/", views_calendar.calendar_page, name="working_calendar"),
    path("reports/forms/new/", views_forms.form_edit, name="form_create"),
    path("reports/forms/<int:pk>/", views_forms.form_detail, name="form_detail"),
    path("reports/forms/<int:pk>/edit/", views_forms.form_edit, name="form_edit"),
    path("reports/forms/<int:pk>/assign/", views_forms.form_assign, name="form_assign"),
    path("reports/forms/<int:pk>/request/", views_forms.form_request, name="form_request"),
    path("reports/<int:pk>/", views.report_detail, name="report_detail"),
    path("reports/<int:pk>/edit/", views.report_edit, name="report_edit"),
    path("reports/<int:pk>/autosave/", views.report_autosave, name="report_autosave"),
    path("reports/<int:pk>/versions/<int:number>/", views.report_version, name="report_version"),
    path("reports/<int:pk>/document.pdf", views.report_pdf, name="report_pdf"),
    path("reports/<int:pk>/document.xlsx", views.report_xlsx, name="report_xlsx"),
    path("reports/<int:pk>/document.docx", views.report_docx, name="report_docx"),
    path("reports/<int:pk>/<slug:action>/", views.report_action, name="report_action"),
    path("report-files/<int:pk>/", views.attachment_download, name="attachment_download"),
    path("units/<int:pk>/reports/", views.unit_obligations, name="unit_obligations"),
]
# Notifications and reminders and the dashboards keep their addresses in their own modules.
urlpatterns += urls_reminders.urlpatterns + urls_dashboards.urlpatterns
