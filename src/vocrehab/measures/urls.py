from django.urls import path

from . import views

app_name = "measures"

urlpatterns = [
    # Staff
    path("", views.service_overview, name="overview"),
    path("schedule/", views.schedule, name="schedule"),
    path("episodes/<int:episode_id>/", views.episode_measures, name="episode"),
    path("episodes/<int:episode_id>/enter/", views.choose, name="choose"),
    path(
        "episodes/<int:episode_id>/enter/<str:instrument>/<str:timepoint>/",
        views.enter,
        name="enter",
    ),
    path("episodes/<int:episode_id>/hna/", views.hna, name="hna"),
    path(
        "episodes/<int:episode_id>/send/<str:timepoint>/",
        views.send_invitation,
        name="send_invitation",
    ),
    path("administrations/<int:administration_id>/cancel/", views.cancel, name="cancel"),
    path("links/<int:link_id>/letter/", views.letter, name="letter"),
    # Clients (public by decision: signed links and letter codes)
    path("q/<str:token>/", views.open_link, name="open_link"),
    path("code/", views.enter_code, name="enter_code"),
    path("questionnaire/<int:link_id>/", views.invitation, name="invitation"),
    path("questionnaire/<int:link_id>/<int:number>/", views.questionnaire, name="questionnaire"),
    path("questionnaire/<int:link_id>/<int:number>/check/", views.check, name="check"),
    path("questionnaire/done/", views.done, name="done"),
]
