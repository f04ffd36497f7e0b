from django.urls import path

from . import views
from .submissions import views as submission_views

app_name = "reporting"
urlpatterns = [
    path("", views.report, name="report"),
    path("xuat/", views.export_create, name="export"),
    path("xuat/<uuid:pk>/", views.export_job, name="export_job"),
    path("xuat/<uuid:pk>/tai-ve/", views.export_file, name="export_file"),
    path("nop/", submission_views.submission_list, name="submission_list"),
    path("nop/gui/", submission_views.submission_submit, name="submission_submit"),
    path("nop/tong-hop/", submission_views.submission_overview, name="submission_overview"),
    path("nop/nhap/", submission_views.submission_import, name="submission_import"),
    path("nop/nhap/xac-nhan/", submission_views.submission_import_confirm, name="submission_import_confirm"),
    path("nop/nhap/mau.xlsx", submission_views.submission_import_template, name="submission_import_template"),
    path("nop/<int:pk>/", submission_views.submission_detail, name="submission_detail"),
    path("nop/<int:pk>/duyet/", submission_views.submission_approve, name="submission_approve"),
    path("nop/<int:pk>/tra-lai/", submission_views.submission_return, name="submission_return"),
]
