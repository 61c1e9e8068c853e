from django.urls import path

from . import views

app_name = "reports"

urlpatterns = [
    path("", views.evaluation, name="evaluation"),
    path("download/", views.download, name="download"),
    path("benchmark/", views.benchmark, name="benchmark"),
    path("dashboard/", views.dashboard, name="dashboard"),
]
