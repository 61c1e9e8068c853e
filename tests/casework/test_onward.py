"""Onward referrals and signposts: free text, or chosen with the directory's picker."""

import pytest
from django.urls import reverse
from django.utils import timezone

from vocrehab.casework import services
from vocrehab.casework.models import OnwardReferral


@pytest.mark.django_db
def test_free_text_service(case_manager, make_episode, service):
    web, user = case_manager
    episode = make_episode(service, worker=user)
    r = web.post(
        reverse("casework:onward_add", args=[episode.pk]),
        {
            "date": timezone.localdate().isoformat(),
            "kind": "signpost",
            "category": "financial",
            "service_name": "Macmillan financial guidance",
        },
    )
    assert r.status_code == 302
    onward = OnwardReferral.objects.get(episode=episode)
    assert (onward.kind, onward.category, onward.service_ref) == ("signpost", "financial", "")


@pytest.mark.django_db
def test_service_is_required(case_manager, make_episode, service):
    web, user = case_manager
    episode = make_episode(service, worker=user)
    r = web.post(
        reverse("casework:onward_add", args=[episode.pk]),
        {"date": timezone.localdate().isoformat(), "kind": "referral", "category": "welfare"},
    )
    assert r.status_code == 200 and "Enter the service" in r.text
    assert not OnwardReferral.objects.exists()


@pytest.mark.django_db
def test_directory_picker_is_offered_when_the_directory_has_one(
    case_manager, make_episode, service
):
    web, user = case_manager
    episode = make_episode(service, worker=user)
    r = web.get(reverse("casework:onward_add", args=[episode.pk]))
    if services.directory_picker_available():
        assert 'id="directory-picker"' in r.text
        assert 'id="id_service_ref"' in r.text  # the input the picker fills
    else:
        assert 'id="directory-picker"' not in r.text
    # A chosen directory entry is stored by reference.
    web.post(
        reverse("casework:onward_add", args=[episode.pk]),
        {
            "date": timezone.localdate().isoformat(),
            "kind": "referral",
            "category": "welfare",
            "service_name": "Welfare rights",
            "service_ref": "WR-01",
        },
    )
    assert OnwardReferral.objects.get(episode=episode).service_ref == "WR-01"
