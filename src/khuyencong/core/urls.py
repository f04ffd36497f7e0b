from django.urls import path

from . import export_views

app_name = "core"
urlpatterns = [
    path("xuat/<uuid:pk>/", export_views.export_job, name="export_job"),
    path("xuat/<uuid:pk>/tai-ve/", export_views.export_file, name="export_file"),
]
