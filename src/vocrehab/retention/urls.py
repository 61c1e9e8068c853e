from django.urls import path

from . import views

app_name = "retention"

urlpatterns = [
    path("", views.due, name="due"),
    path("schedule/", views.schedule, name="schedule"),
]
