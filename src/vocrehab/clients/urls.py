from django.urls import path

from . import views

app_name = "clients"

urlpatterns = [
    path("", views.search, name="search"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/edit/", views.edit, name="edit"),
    path("<int:pk>/subject-access/", views.subject_access, name="subject_access"),
    path("<int:pk>/rights/", views.rights, name="rights"),
]
