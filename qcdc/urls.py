from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from units.views import home

urlpatterns = [
    path("", home, name="home"),
    path("login/", auth_views.LoginView.as_view(redirect_authenticated_user=True), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("password/", auth_views.PasswordChangeView.as_view(), name="password_change"),
    path("password/done/", auth_views.PasswordChangeDoneView.as_view(), name="password_change_done"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    path("", include("units.urls")),
    path("", include("directives.urls")),
    path("", include("reports.urls")),
    path("", include("registers.urls")),
    path("", include("evaluations.urls")),
    path("", include("api.urls")),
]

handler400 = "qcdc.errors.bad_request"
handler403 = "qcdc.errors.permission_denied"
handler500 = "qcdc.errors.server_error"

admin.site.site_header = "QCDC"
admin.site.site_title = "QCDC"
