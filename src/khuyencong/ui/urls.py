from django.urls import path

from . import imports, views

app_name = "ui"
urlpatterns = [
    path("", views.home, name="home"),
    path("chon/<slug:name>/", views.picker_options, name="picker"),
    path("nhap/", imports.import_home, name="import_home"),
    path("nhap/mau.xlsx", imports.import_template, name="import_template"),
    path("nhap/mau/<slug:kind>.xlsx", imports.import_template, name="import_template_kind"),
    path("nhap/<int:pk>/", imports.import_detail, name="import_detail"),
    path("nhap/<int:pk>/xac-nhan/", imports.import_confirm_view, name="import_confirm"),
    path("nhap/<int:pk>/danh-dau-loi.xlsx", imports.import_marked, name="import_marked"),
]
