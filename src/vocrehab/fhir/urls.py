"""The FHIR R4 interface: /fhir/r4/..."""

from django.urls import path

from . import views

app_name = "fhir"

urlpatterns = [
    path("metadata", views.Metadata.as_view(), name="metadata"),
    path("$export", views.ExportKickOff.as_view(), name="export"),
    path("Group/<str:group>/$export", views.ExportKickOff.as_view(), name="group_export"),
    path("$export-status/<uuid:job_id>", views.ExportStatusView.as_view(), name="export_status"),
    path(
        "$export-file/<uuid:job_id>/<str:filename>",
        views.ExportFile.as_view(),
        name="export_file",
    ),
    path("Patient/<str:resource_id>/$everything", views.Everything.as_view(), name="everything"),
    path("<str:resource_type>", views.Search.as_view(), name="search"),
    path("<str:resource_type>/<str:resource_id>", views.Read.as_view(), name="read"),
]
