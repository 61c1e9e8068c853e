from django.urls import path

from . import views

app_name = "accounts"

urlpatterns = [
    path("switch-service/", views.switch_service, name="switch_service"),
    path("tokens/", views.token_list, name="tokens"),
    path("tokens/new/", views.token_create, name="token_create"),
    path("tokens/new/for/<int:owner_id>/", views.system_token_create, name="system_token_create"),
    path("tokens/<int:pk>/revoke/", views.token_revoke, name="token_revoke"),
]
