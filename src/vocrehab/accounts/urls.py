from django.urls import path

from . import views

app_name = "accounts"

urlpatterns = [
    path("switch-service/", views.switch_service, name="switch_service"),
]
