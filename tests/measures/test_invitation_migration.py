"""Links made before one invitation per timepoint stay valid after the upgrade: each
becomes an invitation of one, and its token and letter code still open it."""

import datetime as dt

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.urls import reverse

BEFORE = [
    ("measures", "0006_open_instruments_scores"),
    ("accounts", "0004_api_tokens_and_system_accounts"),
]


def _migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    return executor.migrate(targets).apps


def _old_link(apps):
    Organisation = apps.get_model("accounts", "Organisation")
    Service = apps.get_model("accounts", "Service")
    Client = apps.get_model("clients", "Client")
    Episode = apps.get_model("episodes", "Episode")
    Administration = apps.get_model("measures", "Administration")
    QuestionnaireLink = apps.get_model("measures", "QuestionnaireLink")
    organisation = Organisation.objects.create(name="Old Board", code="old")
    service = Service.objects.create(
        organisation=organisation, code="OLD-VR", name="Old VR", nation="scotland"
    )
    client = Client.objects.create(service=service, reference="P-OLD")
    episode = Episode.objects.create(
        service=service,
        client=client,
        reference="E-OLD",
        referral_date=dt.date(2026, 11, 2),
        referral_source="self",
        condition="cancer",
        work_status_at_referral="off_sick",
        main_reason="return_from_sickness",
    )
    administration = Administration.objects.create(
        episode=episode, instrument="phq9", timepoint="entry", status="invited"
    )
    link = QuestionnaireLink.objects.create(
        administration=administration,
        nonce="old-nonce",
        code_digest="placeholder",
        channel="letter",
        expires_at=dt.datetime(2099, 1, 1, tzinfo=dt.UTC),
    )
    return link.pk, administration.pk, episode.pk


@pytest.mark.django_db(transaction=True)
def test_an_existing_link_becomes_an_invitation_of_one_that_still_opens(client):
    leaves = MigrationExecutor(connection).loader.graph.leaf_nodes()
    try:
        link_id, administration_id, episode_id = _old_link(_migrate(BEFORE))
    finally:
        _migrate(leaves)

    from vocrehab.measures import links
    from vocrehab.measures.models import QuestionnaireLink

    link = QuestionnaireLink.objects.get(pk=link_id)
    assert link.episode_id == episode_id and link.timepoint == "entry"
    assert list(link.administrations.values_list("pk", flat=True)) == [administration_id]
    opened = client.get(reverse("measures:open_link", args=[links.make_token(link)]))
    assert opened["Location"] == reverse("measures:invitation", args=[link.pk])
    assert "Patient Health Questionnaire (PHQ-9)" in client.get(opened["Location"]).content.decode()
