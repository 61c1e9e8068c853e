"""The data-quality page: a service's questionnaire completion and missing outcomes and
fields, each count linked to the episodes behind it for those who may see them; the
list is the people counted, recorded in the access log, and another service's is 404."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from vocrehab.accounts.models import Role
from vocrehab.audit.models import AccessEvent
from vocrehab.episodes.models import Episode
from vocrehab.measures.models import Administration

from .helpers import give_measure, make_episode

pytestmark = pytest.mark.django_db
HADS_FULL = {**{f"a{i}": 1 for i in range(1, 8)}, **{f"d{i}": 2 for i in range(1, 8)}}
URL = reverse("reports:data_quality")


def _list_url(service, **params):
    query = "&".join(f"{k}={v}" for k, v in params.items())
    return f"{reverse('reports:data_quality_episodes', args=[service.pk])}?{query}"


@pytest.fixture
def data(service):
    today = timezone.localdate()
    long_ago = today - dt.timedelta(days=400)
    scored = make_episode(
        service,
        referral_date=long_ago,
        assessment_date=long_ago,
        discharge_date=long_ago + dt.timedelta(days=60),
        work_status_at_discharge="at_work",
    )
    scored.client.first_name, scored.client.last_name = "Ailsa", "Scored"
    scored.client.save()
    give_measure(scored, "hads", "entry", HADS_FULL)
    give_measure(scored, "hads", "discharge", HADS_FULL)
    no_outcome = make_episode(
        service,
        referral_date=today - dt.timedelta(days=30),
        assessment_date=today - dt.timedelta(days=20),
        discharge_date=today - dt.timedelta(days=2),
    )
    no_outcome.client.first_name, no_outcome.client.last_name = "Bruce", "Missing"
    no_outcome.client.save()
    # A required field left empty by a bulk path.
    Episode.objects.filter(pk=no_outcome.pk).update(referral_source="")
    Administration.objects.create(
        episode=scored,
        instrument="followup_survey",
        timepoint="followup",
        status="invited",
        due_date=today - dt.timedelta(days=5),
    )
    # Recently discharged: its follow-up window is still open, so the one due is overdue.
    recent = make_episode(
        service,
        referral_date=today - dt.timedelta(days=200),
        discharge_date=today - dt.timedelta(days=190),
        work_status_at_discharge="at_work",
    )
    Administration.objects.create(
        episode=recent,
        instrument="followup_survey",
        timepoint="followup",
        status="invited",
        due_date=today - dt.timedelta(days=5),
    )
    return {"scored": scored, "no_outcome": no_outcome, "recent": recent}


def _row(page, label):
    start = page.index(label)
    return page[start : page.index("</tr>", start)]


def test_a_manager_sees_the_counts_with_links(signed_in, service, data):
    client, _user = signed_in(Role.SERVICE_MANAGER)
    response = client.get(URL)
    assert response.status_code == 200
    page = response.content.decode()
    hads = "Hospital Anxiety and Depression Scale (HADS)</td>"
    row = _row(page, f'{hads}\n    <td class="nhsuk-table__cell">Discharge')
    assert (
        _list_url(
            service, check="completion", instrument="hads", timepoint="discharge", measure="paired"
        ).replace("&", "&amp;")
        in row
    )
    assert "Discharged without a work status at discharge" in page
    assert _list_url(service, check="no_discharge_outcome").replace("&", "&amp;") in page
    assert "Referral source not recorded" in page
    assert "Six-month follow-up due and not recorded" in page
    assert "Follow-up questionnaire overdue" in page
    assert "Patient Health Questionnaire (PHQ-9)</td>" in page  # names, not codes
    assert ">phq9<" not in page


def test_the_lists_are_the_episodes_counted(signed_in, service, data):
    client, _user = signed_in(Role.SERVICE_MANAGER)
    cases = [
        ({"check": "no_discharge_outcome"}, {"no_outcome"}),
        ({"check": "missing_referral_source"}, {"no_outcome"}),
        ({"check": "followup_overdue"}, {"recent"}),
        (
            {
                "check": "completion",
                "instrument": "hads",
                "timepoint": "entry",
                "measure": "eligible",
            },
            {"scored", "no_outcome"},
        ),
        (
            {
                "check": "completion",
                "instrument": "hads",
                "timepoint": "discharge",
                "measure": "paired",
            },
            {"scored"},
        ),
    ]
    for params, names in cases:
        response = client.get(_list_url(service, **params))
        assert response.status_code == 200, params
        listed = set(response.context["page"].object_list)
        assert listed == {data[n] for n in names}, params
    page = client.get(_list_url(service, check="no_discharge_outcome")).content.decode()
    assert "Bruce Missing" in page and "Ailsa Scored" not in page
    discharged = data["no_outcome"].discharge_date
    assert f"{discharged.day} {discharged:%b %Y}" in page  # "6 Dec 2026"


def test_follow_ups_due_and_not_recorded_are_counted_while_they_can_be_collected(
    signed_in, service
):
    """The six-month follow-up itself (the work status the report's follow-up table
    counts), not only its questionnaires: due and not recorded, with the window open."""
    today = timezone.localdate()

    def discharged(days_ago, **fields):
        return make_episode(
            service,
            referral_date=today - dt.timedelta(days=days_ago + 60),
            discharge_date=today - dt.timedelta(days=days_ago),
            work_status_at_discharge="at_work",
            followup_date=today - dt.timedelta(days=days_ago - 182),
            **fields,
        )

    due = discharged(200)
    discharged(200, work_status_at_followup="at_work", followup_collected_on=today)  # recorded
    discharged(100)  # not yet due
    discharged(300)  # its window closed: no longer collectable
    client, _user = signed_in(Role.SERVICE_MANAGER)
    page = client.get(URL).content.decode()
    row = _row_of_summary(page, "Six-month follow-up due and not recorded")
    assert _list_url(service, check="followup_status_overdue").replace("&", "&amp;") in row
    assert ">1<" in row
    listed = client.get(_list_url(service, check="followup_status_overdue")).context["page"]
    assert set(listed.object_list) == {due}


def _row_of_summary(page, label):
    start = page.index(label)
    return page[start : page.index("</div>", start)]


def test_a_list_is_recorded_in_the_access_log(signed_in, service, data):
    client, _user = signed_in(Role.SERVICE_MANAGER)
    client.get(_list_url(service, check="no_discharge_outcome"))
    event = AccessEvent.objects.filter(object_type="list").latest("pk")
    assert "data quality" in event.detail
    assert event.service_id == service.pk


def test_a_case_manager_may_see_the_list_but_not_the_page(signed_in, service, data):
    client, _user = signed_in(Role.CASE_MANAGER)
    assert client.get(URL).status_code == 403
    assert client.get(_list_url(service, check="no_discharge_outcome")).status_code == 200


@pytest.mark.parametrize("role", [Role.COMMISSIONER, Role.ADMIN_ASSISTANT, Role.AUDITOR])
def test_others_may_see_neither(signed_in, service, data, role):
    client, _user = signed_in(role)
    assert client.get(URL).status_code == 403
    assert client.get(_list_url(service, check="no_discharge_outcome")).status_code == 403


def test_another_services_list_is_not_found(signed_in, service, other_service, data):
    client, _user = signed_in(Role.SERVICE_MANAGER, other_service)
    assert client.get(_list_url(service, check="no_discharge_outcome")).status_code == 404


@pytest.mark.parametrize(
    "params",
    [
        {"check": "nonsense"},
        {"check": "completion", "instrument": "hads", "timepoint": "entry", "measure": "x"},
        {"check": "completion", "instrument": "hads", "timepoint": "entry", "measure": "paired"},
        {},
    ],
)
def test_an_unknown_count_is_not_found(signed_in, service, data, params):
    client, _user = signed_in(Role.SERVICE_MANAGER)
    assert client.get(_list_url(service, **params)).status_code == 404


def test_the_dashboard_and_the_report_link_to_the_page(signed_in, service, data):
    client, _user = signed_in(Role.SERVICE_MANAGER)
    assert URL in client.get(reverse("reports:dashboard")).content.decode()
    report = client.get(
        reverse("reports:evaluation"), {"services": service.pk, "section": "completeness"}
    )
    assert URL in report.content.decode()


def test_a_commissioner_sees_the_report_without_the_link(signed_in, service, data):
    client, _user = signed_in(Role.COMMISSIONER)
    report = client.get(
        reverse("reports:evaluation"), {"services": service.pk, "section": "completeness"}
    )
    assert report.status_code == 200
    assert URL not in report.content.decode()


def _more(service, n):
    today = timezone.localdate()
    for _ in range(n):
        episode = make_episode(
            service,
            referral_date=today - dt.timedelta(days=400),
            assessment_date=today - dt.timedelta(days=390),
            discharge_date=today - dt.timedelta(days=300),
        )
        give_measure(episode, "hads", "entry", HADS_FULL)


def test_the_page_and_a_list_take_a_fixed_number_of_queries(
    signed_in, service, data, django_assert_max_num_queries
):
    client, _user = signed_in(Role.SERVICE_MANAGER)
    _more(service, 3)
    with django_assert_max_num_queries(20):
        assert client.get(URL).status_code == 200
    with django_assert_max_num_queries(20):
        assert client.get(_list_url(service, check="no_discharge_outcome")).status_code == 200
    _more(service, 12)
    with django_assert_max_num_queries(20):
        assert client.get(URL).status_code == 200
    with django_assert_max_num_queries(20):
        assert client.get(_list_url(service, check="no_discharge_outcome")).status_code == 200
