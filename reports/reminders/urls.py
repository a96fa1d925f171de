"""Addresses of the in-app notifications and the reminder preference."""

from django.urls import path

from reports.reminders import views as views_reminders

urlpatterns = [
    path("notifications/", views_reminders.notification_list, name="notifications"),
    path("notifications/read-all/", views_reminders.notification_read_all, name="notification_read_all"),
    path("notifications/<int:pk>/read/", views_reminders.notification_read, name="notification_read"),
    path("profile/reminders/", views_reminders.reminder_preference, name="reminder_preference"),
    path("reminders/undeliverable/", views_reminders.undeliverable_list, name="undeliverable"),
    path("reminders/undeliverable/<int:pk>/resend/", views_reminders.undeliverable_resend, name="undeliverable_resend"),
]
