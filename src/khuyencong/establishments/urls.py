from django.urls import path

from . import views

app_name = "establishments"
urlpatterns = [
    path("", views.EstablishmentList.as_view(), name="list"),
    path("moi/", views.establishment_create, name="create"),
    path("<int:pk>/", views.establishment_detail, name="detail"),
    path("<int:pk>/sua/", views.establishment_update, name="update"),
    path("<int:pk>/gop/", views.establishment_merge, name="merge"),
]
