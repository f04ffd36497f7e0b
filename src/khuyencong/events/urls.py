from django.urls import path

from . import views

app_name = "events"
urlpatterns = [
    path("", views.events_home, name="home"),
    path("hoi-cho/", views.FairList.as_view(), name="fair_list"),
    path("hoi-cho/moi/", views.fair_create, name="fair_create"),
    path("hoi-cho/<int:pk>/", views.fair_detail, name="fair_detail"),
    path("hoi-cho/<int:pk>/tham-gia/", views.participation_add, name="participation_add"),
    path(
        "hoi-cho/<int:pk>/tham-gia/<int:part_pk>/xoa/",
        views.participation_remove,
        name="participation_remove",
    ),
    path("binh-chon/", views.SelectionList.as_view(), name="selection_list"),
    path("binh-chon/moi/", views.selection_create, name="selection_create"),
    path("binh-chon/<int:pk>/", views.selection_detail, name="selection_detail"),
    path("binh-chon/<int:pk>/san-pham/", views.entry_add, name="entry_add"),
    path("binh-chon/<int:pk>/san-pham/<int:entry_pk>/cham-diem/", views.entry_score, name="entry_score"),
    path("binh-chon/<int:pk>/san-pham/<int:entry_pk>/cong-nhan/", views.entry_certify, name="entry_certify"),
    path("binh-chon/<int:pk>/san-pham/<int:entry_pk>/khong-chon/", views.entry_reject, name="entry_reject"),
    path("danh-hieu/", views.TitleList.as_view(), name="title_list"),
    path("danh-hieu/moi/", views.title_create, name="title_create"),
    path("dao-tao/", views.TrainingList.as_view(), name="training_list"),
    path("dao-tao/moi/", views.training_create, name="training_create"),
    path("dao-tao/<int:pk>/", views.training_detail, name="training_detail"),
    path("dao-tao/<int:pk>/hoc-vien/", views.trainee_add, name="trainee_add"),
]
