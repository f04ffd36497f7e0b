from django.urls import path

from . import views

app_name = "catalog"
urlpatterns = [
    path("", views.home, name="home"),
    path("chuong-trinh/<slug:code>/", views.programme_detail, name="programme_detail"),
    path("hoat-dong/<slug:code>/", views.activity_detail, name="activity_detail"),
    path("dinh-muc/", views.norm_list, name="norm_list"),
    path("chi-tieu/", views.indicator_list, name="indicator_list"),
    path("kiem-tra-muc-ho-tro/", views.support_check, name="support_check"),
]
