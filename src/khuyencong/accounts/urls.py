from django.urls import path

from . import views

app_name = "accounts"
urlpatterns = [
    path("don-vi/", views.UnitList.as_view(), name="unit_list"),
    path("don-vi/<int:pk>/", views.unit_detail, name="unit_detail"),
    path("co-quan/", views.AgencyList.as_view(), name="agency_list"),
    path("co-quan/<int:pk>/", views.agency_detail, name="agency_detail"),
    path("vung/", views.region_list, name="region_list"),
    path("tai-khoan/api-token/", views.token_list, name="token_list"),
    path("tai-khoan/api-token/<int:pk>/thu-hoi/", views.token_revoke, name="token_revoke"),
]
