from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.urls import include, path
from django.views.i18n import set_language

from khuyencong.api.api import api

urlpatterns = [
    path("dang-nhap/", auth_views.LoginView.as_view(redirect_authenticated_user=True), name="login"),
    path("dang-xuat/", auth_views.LogoutView.as_view(), name="logout"),
    path(
        "doi-mat-khau/",
        auth_views.PasswordChangeView.as_view(template_name="ui/password_change_form.html"),
        name="password_change",
    ),
    path(
        "doi-mat-khau/xong/",
        auth_views.PasswordChangeDoneView.as_view(template_name="ui/password_change_done.html"),
        name="password_change_done",
    ),
    path("i18n/setlang/", login_not_required(set_language), name="set_language"),
    path("quan-tri/", admin.site.urls),
    path("api/v1/", api.urls),
    path("", include("khuyencong.core.urls")),
    path("", include("khuyencong.accounts.urls")),
    path("danh-muc/", include("khuyencong.catalog.urls")),
    path("co-so/", include("khuyencong.establishments.urls")),
    path("ke-hoach/", include("khuyencong.plans.urls")),
    path("de-an/", include("khuyencong.projects.urls")),
    path("tai-chinh/", include("khuyencong.finance.urls")),
    path("su-kien/", include("khuyencong.events.urls")),
    path("bao-cao/", include("khuyencong.reporting.urls")),
    path("", include("khuyencong.ui.urls")),
]
