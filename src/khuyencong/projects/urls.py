from django.urls import path

from . import views

app_name = "projects"
urlpatterns = [
    path("", views.ProjectList.as_view(), name="list"),
    path("moi/", views.project_create, name="create"),
    path("qua-han/", views.overdue_list, name="overdue"),
    path("quy-trinh/", views.lifecycle, name="lifecycle"),
    path("<int:pk>/", views.project_detail, name="detail"),
    path("<int:pk>/sua/", views.project_edit, name="edit"),
    path("<int:pk>/thao-tac/<slug:action>/", views.project_action, name="action"),
    path("<int:pk>/co-so/moi/", views.participant_add, name="participant_add"),
    path("<int:pk>/co-so/<int:participant_pk>/xoa/", views.participant_remove, name="participant_remove"),
    path("<int:pk>/san-pham/", views.deliverable_set, name="deliverable_set"),
    path(
        "<int:pk>/san-pham/<int:deliverable_pk>/ket-qua/", views.deliverable_record, name="deliverable_record"
    ),
    path("<int:pk>/tai-lieu/moi/", views.document_upload, name="document_upload"),
    path("<int:pk>/tai-lieu/<int:document_pk>/", views.document_download, name="document_download"),
    path("<int:pk>/kiem-tra/moi/", views.inspection_add, name="inspection_add"),
    path("<int:pk>/tien-do/moi/", views.progress_add, name="progress_add"),
    path("<int:pk>/dieu-chinh/moi/", views.adjustment_request, name="adjustment_request"),
    path(
        "<int:pk>/dieu-chinh/<int:adjustment_pk>/<slug:decision>/",
        views.adjustment_decide,
        name="adjustment_decide",
    ),
]
