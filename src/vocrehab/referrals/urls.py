from django.urls import path

from . import public_views, views

app_name = "referrals"

urlpatterns = [
    # Public: anyone may refer, without signing in.
    path("refer/", public_views.start, name="public_start"),
    path("refer/done/", public_views.done, name="public_done"),
    path("refer/<str:kind>/check/", public_views.check, name="public_check"),
    path("refer/<str:kind>/<str:slug>/", public_views.step, name="public_step"),
    # Staff.
    path("", views.queue, name="queue"),
    path("phone/", views.phone_intake, name="phone"),
    path("levels/", views.levels, name="levels"),
    path("levels/<int:pk>/remove/", views.remove_level, name="remove_level"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/first-contact/", views.first_contact, name="first_contact"),
    path("<int:pk>/assessment/", views.assessment, name="assessment"),
    path("<int:pk>/pause/", views.pause, name="pause"),
    path("<int:pk>/take/", views.take, name="take"),
    path("<int:pk>/resume/", views.resume, name="resume"),
    path("<int:pk>/tier/", views.tier, name="tier"),
    path("<int:pk>/allocate/", views.allocate, name="allocate"),
    path("<int:pk>/self-help/", views.self_help, name="self_help"),
    path("<int:pk>/not-engaged/", views.not_engaged, name="not_engaged"),
    path("<int:pk>/merge/<int:episode_pk>/", views.merge, name="merge"),
]
