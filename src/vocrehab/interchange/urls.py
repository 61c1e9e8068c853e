from django.urls import path

from . import views

app_name = "interchange"

urlpatterns = [
    path("import/", views.import_upload, name="import"),
    path("import/done/", views.import_done, name="import_done"),
    path("import/<str:token>/", views.import_check, name="import_check"),
    path("import/<str:token>/confirm/", views.import_confirm, name="import_confirm"),
    path("import/<str:token>/cancel/", views.import_cancel, name="import_cancel"),
    path("export/", views.export, name="export"),
    path("hub/", views.hub_submissions, name="hub_submissions"),
    path("submissions/", views.submissions, name="submissions"),
]
