from django.urls import path

from . import views

app_name = "plans"
urlpatterns = [
    path("", views.PlanList.as_view(), name="list"),
    path("moi/", views.plan_create, name="create"),
    path("<int:pk>/", views.plan_detail, name="detail"),
    path("<int:pk>/dong/moi/", views.line_add, name="line_add"),
    path("<int:pk>/dong/<int:line_pk>/xoa/", views.line_delete, name="line_delete"),
    path("<int:pk>/thao-tac/<slug:action>/", views.plan_action, name="action"),
    path("<int:pk>/dieu-chinh/<int:number>/dong/moi/", views.revision_line_add, name="revision_line_add"),
    path(
        "<int:pk>/dieu-chinh/<int:number>/dong/<int:line_pk>/bo/",
        views.revision_line_remove,
        name="revision_line_remove",
    ),
    path(
        "<int:pk>/dieu-chinh/<int:number>/dong/<int:line_pk>/sua/",
        views.revision_line_change,
        name="revision_line_change",
    ),
]
