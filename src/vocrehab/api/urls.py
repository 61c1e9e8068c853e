"""The API, versioned by path: /api/v1/..."""

from django.urls import path

from . import views

app_name = "api"

urlpatterns = [
    path("v1/services/", views.ServiceList.as_view(), name="services"),
    path("v1/episodes/", views.EpisodeList.as_view(), name="episodes"),
    path("v1/episodes/<int:pk>/", views.EpisodeDetail.as_view(), name="episode"),
    path("v1/episodes/<int:pk>/contacts/", views.ContactCreate.as_view(), name="contacts"),
    path(
        "v1/episodes/<int:pk>/onward-referrals/",
        views.OnwardReferralList.as_view(),
        name="onward_referrals",
    ),
    path(
        "v1/episodes/<int:pk>/questionnaires/",
        views.AdministrationList.as_view(),
        name="questionnaires",
    ),
    path("v1/questionnaires/<int:pk>/", views.AdministrationDetail.as_view(), name="questionnaire"),
    path("v1/episodes/<int:pk>/discharge/", views.DischargeCreate.as_view(), name="discharge"),
    path("v1/episodes/<int:pk>/followup/", views.FollowupCreate.as_view(), name="followup"),
    path("v1/clients/", views.ClientSearch.as_view(), name="clients"),
    path("v1/clients/<int:pk>/", views.ClientDetail.as_view(), name="client"),
    path("v1/referrals/", views.ReferralCreate.as_view(), name="referrals"),
    path("v1/reports/evaluation", views.EvaluationReport.as_view(), name="evaluation"),
    path("v1/submissions/", views.SubmissionCreate.as_view(), name="submissions"),
    path("v1/schema/", views.Schema.as_view(), name="schema"),
    path("v1/docs/", views.docs, name="docs"),
]
