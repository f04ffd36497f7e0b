from django.urls import path

from . import views

app_name = "finance"
urlpatterns = [
    path("", views.LedgerList.as_view(), name="ledger"),
    path("de-an/<int:pk>/hop-dong/moi/", views.contract_create, name="contract_create"),
    path("de-an/<int:pk>/but-toan/moi/", views.entry_create, name="entry_create"),
    path("but-toan/<int:entry_pk>/dao/", views.entry_reverse, name="entry_reverse"),
]
