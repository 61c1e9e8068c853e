from django.urls import path

from . import scheduled_views, views

app_name = "reports"

urlpatterns = [
    path("", views.evaluation, name="evaluation"),
    path("download/", views.download, name="download"),
    path("benchmark/", views.benchmark, name="benchmark"),
    path("dashboard/", views.dashboard, name="dashboard"),
    path("data-quality/", views.data_quality, name="data_quality"),
    path(
        "data-quality/<int:service_id>/episodes/",
        views.data_quality_episodes,
        name="data_quality_episodes",
    ),
    path("scheduled/", scheduled_views.scheduled_list, name="scheduled"),
    path("scheduled/new/", scheduled_views.subscribe, name="subscribe"),
    path(
        "scheduled/<int:subscription_id>/cancel/",
        scheduled_views.cancel,
        name="scheduled_cancel",
    ),
    path(
        "scheduled/runs/<int:run_id>/<str:fmt>/",
        scheduled_views.download,
        name="scheduled_download",
    ),
]
