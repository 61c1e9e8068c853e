"""Assessment areas, the HNA alongside it, and employer consent."""

import pytest
from django.urls import reverse
from django.utils import timezone

from vocrehab.casework import services
from vocrehab.casework.models import Assessment


@pytest.mark.django_db
def test_assessment_form_shows_the_biopsychosocial_areas(case_manager, make_episode, service):
    web, user = case_manager
    episode = make_episode(service, worker=user)
    r = web.get(reverse("casework:assessment_add", args=[episode.pk]))
    for label, _fields in Assessment.AREAS:
        assert str(label) in r.text
    for field in ("Sick pay ends", "Shift pattern", "Union involvement", "Key issues"):
        assert field in r.text


@pytest.mark.django_db
def test_hna_distress_out_of_range_is_refused(case_manager, make_episode, service):
    web, user = case_manager
    episode = make_episode(service, worker=user)
    r = web.post(
        reverse("measures:hna", args=[episode.pk]),
        {"date": timezone.localdate().isoformat(), "timepoint": "ad_hoc", "distress": "11"},
    )
    assert r.status_code == 200
    assert "less than or equal to 10" in r.text
    assert not episode.administrations.exists()


@pytest.mark.django_db
def test_meeting_needs_consent_to_contact_the_employer(case_manager, make_episode, service):
    web, user = case_manager
    episode = make_episode(service, worker=user)
    employer = services.save_employer(episode, name="Clyde Logistics", consent_to_contact=False)
    r = web.post(
        reverse("casework:meeting_add", args=[employer.pk]),
        {"date": timezone.localdate().isoformat(), "summary": "x"},
    )
    assert r.status_code == 200
    assert "has not consented" in r.text
    assert not employer.meetings.exists()

    r = web.post(
        reverse("casework:employer_edit", args=[employer.pk]),
        {"version": employer.version, "name": "Clyde Logistics", "consent_to_contact": "on"},
    )
    assert r.status_code == 302
    employer.refresh_from_db()
    assert employer.consent_to_contact and employer.consent_recorded_on == timezone.localdate()


@pytest.mark.django_db
def test_the_episode_page_is_audited(case_manager, make_episode, service):
    from vocrehab.audit.models import AccessEvent

    web, user = case_manager
    episode = make_episode(service, worker=user)
    web.get(reverse("casework:episode", args=[episode.pk]))
    event = AccessEvent.objects.get(action="read", object_id=str(episode.pk))
    assert (event.user, event.client_id, event.service_id) == (
        user,
        episode.client_id,
        service.pk,
    )


@pytest.mark.django_db
def test_contact_with_the_employer_needs_consent(case_manager, make_episode, service):
    web, user = case_manager
    episode = make_episode(service, worker=user)
    data = {
        "contact_date": timezone.localdate().isoformat(),
        "mode": "phone",
        "contact_with": "employer",
    }
    r = web.post(reverse("casework:contact_add", args=[episode.pk]), data)
    assert r.status_code == 200 and "consent to contact their employer is not recorded" in r.text
    services.save_employer(episode, name="Clyde Logistics", consent_to_contact=True)
    r = web.post(reverse("casework:contact_add", args=[episode.pk]), data)
    assert r.status_code == 302
    assert episode.contacts.get().contact_with == "employer"
