"""Every directory page renders for the roles that may use it, with real records."""

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from vocrehab.accounts.models import Role
from vocrehab.directory.models import Programme
from vocrehab.directory.services import (
    create_cohort,
    enrol,
    give_material,
    record_pre_course_assessment,
    save_material,
    start_in_work_support,
)


@pytest.fixture
def world(organisation, service, make_entry, make_episode, make_onward):
    entry = make_entry(organisation, name="Citizens Advice", areas=["S12000049"])
    episode = make_episode(service, area_code="S12000049")
    make_onward(episode, "welfare", service_ref=entry.reference, outcome="attended")
    item = save_material(
        organisation=organisation,
        values={"title": "Fatigue", "audience": "client", "topics": ["fatigue"]},
        upload=SimpleUploadedFile("fatigue.pdf", b"%PDF-1.4\n%%EOF\n"),
    )
    given = give_material(episode=episode, material=item, channel="printed")
    programme = Programme.objects.create(
        service=service, title="Fatigue course", topic="fatigue", sessions=4, delivery="group",
        completion_sessions=3,
    )  # fmt: skip
    cohort = create_cohort(
        programme=programme,
        start_date=datetime.date.today() + datetime.timedelta(days=7),
        capacity=8,
        venue="Room 1",
    )
    assessment = record_pre_course_assessment(episode=episode, needs=["fatigue"])
    enrolment = enrol(assessment=assessment, cohort=cohort)
    support = start_in_work_support(episode=episode, return_date=datetime.date.today())
    return {
        "entry": entry,
        "episode": episode,
        "item": item,
        "given": given,
        "programme": programme,
        "cohort": cohort,
        "session": cohort.course_sessions.first(),
        "enrolment": enrolment,
        "review": support.reviews.first(),
    }


def urls(w):
    return [
        reverse("directory:index"),
        reverse("directory:index") + "?area_code=S12000049&category=welfare",
        reverse("directory:detail", args=[w["entry"].pk]),
        reverse("directory:create"),
        reverse("directory:edit", args=[w["entry"].pk]),
        reverse("directory:review"),
        reverse("directory:import"),
        reverse("directory:export"),
        reverse("directory:picker") + "?directory_area_code=S12000049",
        reverse("directory:picker_choose", args=[w["entry"].pk]),
        reverse("directory:mapping"),
        reverse("directory:library"),
        reverse("directory:library") + "?audience=client&condition=cancer&topic=fatigue",
        reverse("directory:material_create"),
        reverse("directory:material_edit", args=[w["item"].pk]),
        reverse("directory:material_download", args=[w["item"].pk]),
        reverse("directory:give_material", args=[w["episode"].pk]),
        reverse("directory:material_print", args=[w["given"].pk]),
        reverse("directory:programmes"),
        reverse("directory:programme_create"),
        reverse("directory:programme", args=[w["programme"].pk]),
        reverse("directory:programme_edit", args=[w["programme"].pk]),
        reverse("directory:cohort_create", args=[w["programme"].pk]),
        reverse("directory:cohort", args=[w["cohort"].pk]),
        reverse("directory:attendance", args=[w["session"].pk]),
        reverse("directory:pre_course", args=[w["episode"].pk]),
        reverse("directory:in_work_due"),
        reverse("directory:in_work_schedule"),
        reverse("directory:in_work", args=[w["episode"].pk]),
        reverse("directory:in_work_review", args=[w["review"].pk]),
        reverse("directory:awareness"),
    ]


@pytest.mark.django_db
def test_a_service_manager_can_open_every_page(signed_in, world):
    client, _user = signed_in(Role.SERVICE_MANAGER)
    for url in urls(world):
        assert client.get(url).status_code == 200, url


@pytest.mark.django_db
def test_every_page_of_another_service_or_organisation_is_not_found(
    signed_in, world, other_service
):
    from vocrehab.accounts.models import Organisation, Service

    elsewhere = Service.objects.create(
        organisation=Organisation.objects.create(name="Elsewhere", code="elsewhere"),
        code="ELSEWHERE",
        name="Elsewhere VR",
        nation="england",
    )
    client, _user = signed_in(Role.SERVICE_MANAGER, elsewhere)
    refused = []
    for url in urls(world):
        if any(str(obj.pk) in url.split("/") for obj in world.values()):
            status = client.get(url).status_code
            if status != 404:
                refused.append((url, status))
    assert refused == []
