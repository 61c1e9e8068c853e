from django.urls import path

from . import views

app_name = "casework"

urlpatterns = [
    path("caseload/", views.caseload, name="caseload"),
    path("caseload/<int:pk>/row/", views.caseload_row, name="caseload_row"),
    path("tasks/", views.tasks, name="tasks"),
    path("sign-offs/<int:pk>/", views.sign_off, name="sign_off"),
    path("episodes/<int:pk>/", views.episode, name="episode"),
    path("episodes/<int:pk>/edit/", views.episode_edit, name="episode_edit"),
    path("episodes/<int:pk>/tier/", views.tier_change, name="tier_change"),
    path("episodes/<int:pk>/quick-contact/", views.quick_contact, name="quick_contact"),
    path("episodes/<int:pk>/contacts/add/", views.contact_add, name="contact_add"),
    path("episodes/<int:pk>/assessment/", views.assessment_add, name="assessment_add"),
    path("assessments/<int:pk>/edit/", views.assessment_edit, name="assessment_edit"),
    path("episodes/<int:pk>/goals/add/", views.goal_add, name="goal_add"),
    path("goals/<int:pk>/review/", views.goal_review, name="goal_review"),
    path("episodes/<int:pk>/onward/add/", views.onward_add, name="onward_add"),
    path("onward/<int:pk>/outcome/", views.onward_outcome, name="onward_outcome"),
    path("episodes/<int:pk>/employer/add/", views.employer_add, name="employer_add"),
    path("employers/<int:pk>/edit/", views.employer_edit, name="employer_edit"),
    path("employers/<int:pk>/people/add/", views.employer_person_add, name="employer_person_add"),
    path("employers/<int:pk>/meetings/add/", views.meeting_add, name="meeting_add"),
    path("employers/<int:pk>/adjustments/add/", views.adjustment_add, name="adjustment_add"),
    path("adjustments/<int:pk>/status/", views.adjustment_status, name="adjustment_status"),
    path("episodes/<int:pk>/plan/", views.plan_edit, name="plan_edit"),
    path("plans/<int:pk>/", views.plan, name="plan"),
    path("plans/<int:pk>/pdf/", views.plan_pdf, name="plan_pdf"),
    path("plans/<int:pk>/progress/", views.plan_progress, name="plan_progress"),
    path("plan-reviews/<int:pk>/done/", views.plan_review_done, name="plan_review_done"),
    path("episodes/<int:pk>/discharge/", views.discharge, name="discharge"),
    path("episodes/<int:pk>/follow-up/", views.followup, name="followup"),
    path("episodes/<int:pk>/reopen/", views.reopen, name="reopen"),
    path("episodes/<int:pk>/re-refer/", views.re_refer, name="re_refer"),
    path("episodes/<int:pk>/documents/add/", views.document_add, name="document_add"),
    path("documents/<int:pk>/", views.document_download, name="document_download"),
    path("episodes/<int:pk>/notes/add/", views.note_add, name="note_add"),
    path("notes/<int:pk>/correct/", views.note_correct, name="note_correct"),
    path("episodes/<int:pk>/reminders/add/", views.reminder_add, name="reminder_add"),
    path("reminders/<int:pk>/done/", views.reminder_done, name="reminder_done"),
]
