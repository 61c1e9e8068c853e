from django.urls import path

from . import views

app_name = "directory"

urlpatterns = [
    path("", views.index, name="index"),
    path("new/", views.create, name="create"),
    path("review/", views.review, name="review"),
    path("import/", views.import_csv, name="import"),
    path("export.csv", views.export_csv, name="export"),
    path("picker/", views.picker, name="picker"),
    path("picker/<int:pk>/", views.picker_choose, name="picker_choose"),
    path("mapping/", views.mapping, name="mapping"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/edit/", views.edit, name="edit"),
    path("<int:pk>/checked/", views.verify, name="verify"),
    # Self-help library
    path("library/", views.library, name="library"),
    path("library/new/", views.material_create, name="material_create"),
    path("library/<int:pk>/edit/", views.material_edit, name="material_edit"),
    path("library/<int:pk>/download/", views.material_download, name="material_download"),
    path("library/give/<int:episode_pk>/", views.give_material, name="give_material"),
    path("library/given/<int:pk>/print/", views.material_print, name="material_print"),
    # Courses
    path("courses/", views.programmes, name="programmes"),
    path("courses/new/", views.programme_create, name="programme_create"),
    path("courses/<int:pk>/", views.programme, name="programme"),
    path("courses/<int:pk>/edit/", views.programme_edit, name="programme_edit"),
    path("courses/<int:pk>/cohorts/new/", views.cohort_create, name="cohort_create"),
    path("courses/cohorts/<int:pk>/", views.cohort, name="cohort"),
    path("courses/sessions/<int:pk>/attendance/", views.attendance, name="attendance"),
    path("courses/enrolments/<int:pk>/withdraw/", views.withdraw, name="withdraw"),
    path("courses/episode/<int:episode_pk>/", views.pre_course, name="pre_course"),
    # Awareness sessions given to health professionals
    path("awareness/", views.awareness, name="awareness"),
    # In-work support
    path("in-work/", views.in_work_due, name="in_work_due"),
    path("in-work/schedule/", views.in_work_schedule, name="in_work_schedule"),
    path("in-work/episode/<int:episode_pk>/", views.in_work, name="in_work"),
    path("in-work/reviews/<int:pk>/", views.in_work_review, name="in_work_review"),
]
