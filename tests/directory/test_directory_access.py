"""Only managers change the directory; every member of staff may look things up."""

import datetime

import pytest
from django.urls import reverse

from vocrehab.accounts.models import Organisation, Role
from vocrehab.directory.models import DirectoryService

GLASGOW = "S12000049"
NOT_MANAGERS = [
    Role.CASE_MANAGER,
    Role.SUPPORT_WORKER,
    Role.ADMIN_ASSISTANT,
    Role.COMMISSIONER,
    Role.ADMINISTRATOR,
    Role.AUDITOR,
]

FORM = {
    "name": "Welfare rights",
    "reference": "welfare-rights",
    "provider_type": "local_authority",
    "categories": ["welfare", "financial"],
    "conditions": [],
    "areas": "S12000049, g12",
    "phone": "0141 000 0000",
    "active": "on",
}


@pytest.mark.django_db
def test_a_manager_adds_a_service(signed_in, organisation):
    client, _user = signed_in(Role.SERVICE_MANAGER)
    response = client.post(reverse("directory:create"), FORM)
    entry = DirectoryService.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("directory:detail", args=[entry.pk])
    assert entry.organisation == organisation
    assert entry.category_codes == ["financial", "welfare"]
    assert entry.area_codes == ["G12", GLASGOW]


@pytest.mark.django_db
def test_bad_areas_are_named(signed_in):
    client, _user = signed_in(Role.SERVICE_MANAGER)
    response = client.post(reverse("directory:create"), {**FORM, "areas": "Glasgow"})
    assert response.status_code == 200
    assert "Glasgow is not a GSS code" in response.content.decode()
    assert not DirectoryService.objects.exists()


@pytest.mark.django_db
def test_a_reference_in_use_is_refused(signed_in, organisation, make_entry):
    make_entry(organisation, reference="welfare-rights")
    client, _user = signed_in(Role.SERVICE_MANAGER)
    response = client.post(reverse("directory:create"), FORM)
    assert response.status_code == 200
    assert "already used" in response.content.decode()
    assert DirectoryService.objects.count() == 1


@pytest.mark.django_db
def test_a_manager_changes_and_marks_checked(signed_in, organisation, make_entry):
    entry = make_entry(organisation, name="Old name", areas=[GLASGOW])
    client, _user = signed_in(Role.SERVICE_MANAGER)
    response = client.post(
        reverse("directory:edit", args=[entry.pk]), {**FORM, "reference": entry.reference}
    )
    assert response.status_code == 302
    entry.refresh_from_db()
    assert entry.name == "Welfare rights"
    client.post(reverse("directory:verify", args=[entry.pk]))
    entry.refresh_from_db()
    assert entry.last_verified == datetime.date.today()


@pytest.mark.django_db
@pytest.mark.parametrize("role", NOT_MANAGERS)
def test_nobody_else_may_change_the_directory(signed_in, organisation, make_entry, role):
    entry = make_entry(organisation, name="Unchanged")
    client, _user = signed_in(role)
    for url in (
        reverse("directory:create"),
        reverse("directory:edit", args=[entry.pk]),
        reverse("directory:verify", args=[entry.pk]),
        reverse("directory:import"),
        reverse("directory:review"),
        reverse("directory:material_create"),
        reverse("directory:programme_create"),
    ):
        assert client.post(url, {**FORM, "reference": entry.reference}).status_code == 403, url
    entry.refresh_from_db()
    assert entry.name == "Unchanged"
    assert entry.last_verified is None


@pytest.mark.django_db
@pytest.mark.parametrize(
    "role", [Role.CASE_MANAGER, Role.SUPPORT_WORKER, Role.ADMIN_ASSISTANT, Role.COMMISSIONER]
)
def test_staff_may_look_up_the_directory(signed_in, organisation, make_entry, role):
    entry = make_entry(organisation, name="Citizens Advice", areas=[GLASGOW])
    client, _user = signed_in(role)
    page = client.get(reverse("directory:index"), {"area_code": GLASGOW})
    assert "Citizens Advice" in page.content.decode()
    assert client.get(reverse("directory:detail", args=[entry.pk])).status_code == 200
    assert b"Change details" not in client.get(reverse("directory:detail", args=[entry.pk])).content


@pytest.mark.django_db
def test_another_organisations_entries_are_not_found(signed_in, make_entry):
    theirs = make_entry(Organisation.objects.create(name="Elsewhere", code="elsewhere"))
    client, _user = signed_in(Role.SERVICE_MANAGER)
    assert client.get(reverse("directory:detail", args=[theirs.pk])).status_code == 404
    assert client.get(reverse("directory:edit", args=[theirs.pk])).status_code == 404
    assert client.post(reverse("directory:verify", args=[theirs.pk])).status_code == 404
    assert client.get(reverse("directory:detail", args=[999999])).status_code == 404
