"""Case notes: author and time kept; a correction keeps the original, struck through."""

import pytest
from django.urls import reverse

from vocrehab.casework import services
from vocrehab.casework.models import CaseNote


@pytest.mark.django_db
def test_correction_keeps_the_original(case_manager, make_episode, service):
    web, user = case_manager
    episode = make_episode(service, worker=user)
    web.post(reverse("casework:note_add", args=[episode.pk]), {"text": "Spoke to HR on Monday"})
    original = CaseNote.objects.get(episode=episode)
    assert original.author == user and original.written_at is not None
    r = web.post(
        reverse("casework:note_correct", args=[original.pk]), {"text": "Spoke to HR on Tuesday"}
    )
    assert r.status_code == 302
    assert CaseNote.objects.filter(episode=episode).count() == 2
    correction = CaseNote.objects.get(corrects=original)
    assert correction.text == "Spoke to HR on Tuesday"
    page = web.get(reverse("casework:episode", args=[episode.pk])).text
    assert "<del>Spoke to HR on Monday</del>" in page
    assert "Spoke to HR on Tuesday" in page


@pytest.mark.django_db
def test_a_note_is_corrected_once(make_episode, service, make_staff):
    from vocrehab.accounts.models import Role

    user = make_staff(Role.CASE_MANAGER, service)
    episode = make_episode(service, worker=user)
    note = services.add_note(episode, by=user, text="a")
    services.correct_note(note, by=user, text="b")
    with pytest.raises(services.CaseworkError):
        services.correct_note(note, by=user, text="c")


def test_there_is_no_way_to_delete_or_edit_a_note():
    from vocrehab.casework import urls

    names = {p.name for p in urls.urlpatterns}
    assert not any("note" in n and ("delete" in n or "edit" in n) for n in names)
