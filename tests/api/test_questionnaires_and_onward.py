"""Questionnaires and onward referrals through the API: the web's services and rules."""

import datetime

import pytest
from django.test import Client as Program
from django.urls import reverse
from django.utils import timezone

from tests.accounts.conftest import bearer
from vocrehab.accounts.models import Role, Scope
from vocrehab.audit.models import AccessEvent
from vocrehab.casework.models import OnwardReferral, Reminder
from vocrehab.measures.models import Administration, ItemValue

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate


def _phq9(q9=0, **overrides):
    answers = {f"q{n}": 1 for n in range(1, 9)}
    answers["q9"] = q9
    answers.update(overrides)
    return answers


def _enter(client, episode, body, **extra):
    return client.post(
        reverse("api:questionnaires", args=[episode.pk]),
        body,
        content_type="application/json",
        **extra,
    )


def _entry(answers, **fields):
    return {
        "instrument": "phq9",
        "timepoint": "entry",
        "date": str(TODAY()),
        "answers": answers,
        **fields,
    }


# --- questionnaires ------------------------------------------------------------------------


def test_answers_are_stored_with_scores_and_read_back(signed_in, make_episode, service):
    client, user = signed_in(Role.CASE_MANAGER)
    episode = make_episode(service, case_manager=None)
    made = _enter(client, episode, _entry(_phq9()))
    assert made.status_code == 201, made.content
    body = made.json()
    assert (body["instrument"], body["status"], body["completed_by"]) == (
        "phq9",
        "completed",
        "staff",
    )
    assert {a["item"]: a["value"] for a in body["answers"]}["q1"] == 1
    assert body["scores"]["summed_total"] == 8
    read = client.get(reverse("api:questionnaire", args=[body["id"]]))
    assert read.status_code == 200
    assert read.json()["scores"] == body["scores"]
    listed = client.get(reverse("api:questionnaires", args=[episode.pk]))
    assert [row["id"] for row in listed.json()] == [body["id"]]
    assert AccessEvent.objects.filter(user=user, client_id=episode.client_id).exists()
    assert not Reminder.objects.filter(episode=episode, safety_alert=True).exists()


def test_reading_one_questionnaire_is_logged_against_the_client(signed_in, make_episode, service):
    """The read names the client and service, so asking the access log about the client,
    and their subject access request, find it."""
    from vocrehab.audit.queries import filter_events

    client, user = signed_in(Role.CASE_MANAGER)
    episode = make_episode(service, case_manager=None)
    made = _enter(client, episode, _entry(_phq9())).json()
    before = AccessEvent.objects.count()
    assert client.get(reverse("api:questionnaire", args=[made["id"]])).status_code == 200
    (event,) = AccessEvent.objects.order_by("-id")[: AccessEvent.objects.count() - before]
    assert event.object_type == "measures.administration" and event.object_id == str(made["id"])
    assert (event.client_id, event.service_id) == (episode.client_id, service.pk)
    assert event in filter_events(client_id=episode.client_id)


def test_phq9_item_9_above_nought_raises_the_same_day_safety_alert(
    signed_in, make_staff, make_episode, service
):
    holder = make_staff(Role.CASE_MANAGER, service)
    client, _user = signed_in(Role.CASE_MANAGER)
    episode = make_episode(service, case_manager=holder)
    assert _enter(client, episode, _entry(_phq9(q9=2))).status_code == 201
    alert = Reminder.objects.get(episode=episode, safety_alert=True)
    assert (alert.assigned_to, alert.due_on) == (holder, TODAY())


@pytest.mark.parametrize(
    "body,field",
    [
        (_entry(_phq9(q9=7)), "answers"),
        (_entry(_phq9(q42=1)), "answers"),
        (_entry(_phq9(q1=[1])), "answers"),
        (_entry(_phq9(q1="a lot")), "answers"),
        ({**_entry(_phq9()), "answers": [1, 2]}, "answers"),
        (_entry(_phq9(), instrument="tarot"), "instrument"),
        (_entry(_phq9(), timepoint="someday"), "timepoint"),
        (_entry(_phq9(), date=str(TODAY() + datetime.timedelta(days=3))), "date"),
        (_entry(_phq9(), date="soon"), "date"),
        ({"instrument": "phq9", "timepoint": "entry", "date": "2026-01-01"}, "answers"),
    ],
)
def test_bad_answers_name_the_problem_and_store_nothing(
    signed_in, make_episode, service, body, field
):
    client, _user = signed_in(Role.CASE_MANAGER)
    episode = make_episode(service)
    response = _enter(client, episode, body)
    assert response.status_code == 400, response.content
    assert field in response.json(), response.json()
    assert not Administration.objects.exists() and not ItemValue.objects.exists()


def test_an_out_of_range_item_is_named(signed_in, make_episode, service):
    client, _user = signed_in(Role.CASE_MANAGER)
    episode = make_episode(service)
    response = _enter(client, episode, _entry(_phq9(q9=7)))
    assert "q9" in response.json()["answers"]


def test_replacing_answers_needs_the_current_version(signed_in, make_episode, service):
    client, _user = signed_in(Role.CASE_MANAGER)
    episode = make_episode(service)
    first = _enter(client, episode, _entry(_phq9())).json()
    stale = _enter(client, episode, _entry(_phq9(q1=3), version=first["version"] + 1))
    assert stale.status_code == 409
    assert stale.json()["scores"]["summed_total"] == 8
    done = _enter(client, episode, _entry(_phq9(q1=3), version=first["version"]))
    assert done.status_code == 201
    assert done.json()["scores"]["summed_total"] == 10


def test_the_list_reads_in_a_fixed_number_of_queries(
    signed_in, make_episode, service, django_assert_max_num_queries
):
    client, _user = signed_in(Role.CASE_MANAGER)
    episode = make_episode(service)
    for timepoint in ("entry", "discharge", "ad_hoc"):
        _enter(client, episode, _entry(_phq9(), timepoint=timepoint))
    with django_assert_max_num_queries(12):
        response = client.get(reverse("api:questionnaires", args=[episode.pk]))
    assert len(response.json()) == 3


def test_a_support_worker_enters_only_on_their_own_caseload(
    make_staff, client, make_episode, service
):
    worker = make_staff(Role.SUPPORT_WORKER, service)
    client.force_login(worker, backend="allauth.account.auth_backends.AuthenticationBackend")
    others = make_episode(service, tier="2", highest_tier="2")
    assert _enter(client, others, _entry(_phq9())).status_code == 403
    own = make_episode(service, tier="2", highest_tier="2", case_manager=worker)
    assert _enter(client, own, _entry(_phq9())).status_code == 201


@pytest.mark.parametrize("role", [Role.COMMISSIONER, Role.ADMIN_ASSISTANT, Role.AUDITOR])
def test_roles_without_the_record_may_not_read_or_enter(signed_in, make_episode, service, role):
    client, _user = signed_in(role)
    episode = make_episode(service)
    assert client.get(reverse("api:questionnaires", args=[episode.pk])).status_code == 403
    assert _enter(client, episode, _entry(_phq9())).status_code == 403
    assert not Administration.objects.exists()


def test_tokens_need_the_questionnaire_scopes_and_their_service(
    make_staff, make_token, make_episode, service, other_service
):
    owner = make_staff(Role.CASE_MANAGER, service)
    episode = make_episode(service)
    elsewhere = make_episode(other_service)
    _t, reader = make_token(owner, [service], scopes=[Scope.QUESTIONNAIRES_READ])
    _t, writer = make_token(owner, [service], scopes=[Scope.QUESTIONNAIRES_WRITE], name="Kiosk")
    assert _enter(Program(), episode, _entry(_phq9()), **bearer(reader)).status_code == 403
    made = _enter(Program(), episode, _entry(_phq9()), **bearer(writer))
    assert made.status_code == 201
    assert _enter(Program(), elsewhere, _entry(_phq9()), **bearer(writer)).status_code == 404
    url = reverse("api:questionnaire", args=[made.json()["id"]])
    assert Program().get(url, **bearer(writer)).status_code == 403
    assert Program().get(url, **bearer(reader)).status_code == 200
    listing = reverse("api:questionnaires", args=[elsewhere.pk])
    assert Program().get(listing, **bearer(reader)).status_code == 404


# --- onward referrals -----------------------------------------------------------------------

ONWARD = {"kind": "referral", "category": "health_wellbeing", "service_name": "Talking Therapies"}


def _refer(client, episode, body, **extra):
    return client.post(
        reverse("api:onward_referrals", args=[episode.pk]),
        body,
        content_type="application/json",
        **extra,
    )


def test_an_onward_referral_is_recorded_and_listed(signed_in, make_episode, service):
    client, user = signed_in(Role.CASE_MANAGER)
    episode = make_episode(service)
    made = _refer(client, episode, {"date": str(TODAY()), **ONWARD})
    assert made.status_code == 201, made.content
    onward = OnwardReferral.objects.get(pk=made.json()["id"])
    assert (onward.episode, onward.recorded_by, onward.outcome) == (episode, user, "")
    listed = client.get(reverse("api:onward_referrals", args=[episode.pk]))
    assert [row["service_name"] for row in listed.json()] == ["Talking Therapies"]


@pytest.mark.parametrize(
    "body,field",
    [
        ({"kind": "referral", "category": "health_wellbeing", "service_name": "X"}, "date"),
        ({**ONWARD, "date": "2026-01-01", "kind": "pigeon"}, "kind"),
        ({**ONWARD, "date": "2026-01-01", "category": ""}, "category"),
        ({**ONWARD, "date": "2026-01-01", "service_name": ""}, "service_name"),
        ({**ONWARD, "date": "2026-01-01", "outcome": "maybe"}, "outcome"),
    ],
)
def test_bad_onward_referrals_name_the_field(signed_in, make_episode, service, body, field):
    client, _user = signed_in(Role.CASE_MANAGER)
    response = _refer(client, make_episode(service), body)
    assert response.status_code == 400
    assert field in response.json(), response.json()
    assert not OnwardReferral.objects.exists()


def test_onward_referral_access_by_role_scope_and_service(
    make_staff, make_token, make_episode, signed_in, service, other_service
):
    episode = make_episode(service)
    commissioner, _user = signed_in(Role.COMMISSIONER)
    assert _refer(commissioner, episode, {"date": str(TODAY()), **ONWARD}).status_code == 403
    owner = make_staff(Role.CASE_MANAGER, service)
    _t, reader = make_token(owner, [service], scopes=[Scope.EPISODES_READ])
    _t, writer = make_token(owner, [service], scopes=[Scope.CONTACTS_WRITE], name="Feed")
    body = {"date": str(TODAY()), **ONWARD}
    assert _refer(Program(), episode, body, **bearer(reader)).status_code == 403
    assert _refer(Program(), episode, body, **bearer(writer)).status_code == 201
    url = reverse("api:onward_referrals", args=[episode.pk])
    assert Program().get(url, **bearer(writer)).status_code == 403
    assert len(Program().get(url, **bearer(reader)).json()) == 1
    elsewhere = make_episode(other_service)
    assert _refer(Program(), elsewhere, body, **bearer(writer)).status_code == 404
