"""An installation upgraded with records in it gets its summaries filled by the
migrations that make them: contact counts, scoring verdicts and questionnaire pairs
equal to a fresh computation, and the report reads them at once."""

import datetime as dt

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

BEFORE = [("casework", "0011_letter_posted_by_notify"), ("measures", "0008_reopening_cancels")]


def _migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    return executor.migrate(targets).apps


def _records_before_the_summaries(apps) -> int:
    Organisation = apps.get_model("accounts", "Organisation")
    Service = apps.get_model("accounts", "Service")
    Client = apps.get_model("clients", "Client")
    Episode = apps.get_model("episodes", "Episode")
    Contact = apps.get_model("casework", "Contact")
    ContactIntervention = apps.get_model("casework", "ContactIntervention")
    Administration = apps.get_model("measures", "Administration")
    ItemValue = apps.get_model("measures", "ItemValue")
    QuestionnaireScores = apps.get_model("measures", "QuestionnaireScores")
    organisation = Organisation.objects.create(name="Old Board", code="old")
    service = Service.objects.create(
        organisation=organisation, code="OLD-VR", name="Old VR", nation="scotland"
    )
    episode = Episode.objects.create(
        service=service,
        client=Client.objects.create(service=service, reference="P-OLD"),
        reference="E-OLD",
        referral_date=dt.date(2026, 1, 5),
        referral_source="self",
        condition="cancer",
        work_status_at_referral="off_sick",
        main_reason="return_from_sickness",
    )
    for mode, codes in (("phone", ["phased_return"]), ("email", []), ("phone", [])):
        contact = Contact.objects.create(
            episode=episode, contact_date=dt.date(2026, 1, 9), mode=mode, contact_with="client"
        )
        for position, code in enumerate(codes):
            ContactIntervention.objects.create(contact=contact, code=code, position=position)
    for timepoint, total in (("entry", 12), ("discharge", 5)):
        administration = Administration.objects.create(
            episode=episode, instrument="phq9", timepoint=timepoint, status="completed"
        )
        values = [total] + [0] * 8
        for n, value in enumerate(values, start=1):
            ItemValue.objects.create(administration=administration, item=f"q{n}", value=value)
        QuestionnaireScores.objects.create(
            administration=administration, summed_total=total, summed_answered=9
        )
    return episode.pk


@pytest.mark.django_db(transaction=True)
def test_the_migrations_fill_the_summaries_from_the_records_already_there():
    leaves = MigrationExecutor(connection).loader.graph.leaf_nodes()
    try:
        episode_id = _records_before_the_summaries(_migrate(BEFORE))
    finally:
        _migrate(leaves)

    from vocrehab.casework.contact_counts import contact_counts_differing
    from vocrehab.casework.models import EpisodeContactCounts
    from vocrehab.measures.models import QuestionnairePair
    from vocrehab.measures.scores import pairs_differing, scorable_differing

    counts = EpisodeContactCounts.objects.get(episode_id=episode_id)
    assert (counts.contacts, counts.mode_phone, counts.mode_email) == (3, 2, 1)
    assert (counts.with_interventions, counts.intervention_phased_return) == (1, 1)
    pair = QuestionnairePair.objects.get(episode_id=episode_id, instrument="phq9")
    assert (pair.entry_summed_total, pair.discharge_summed_total) == (12, 5)
    assert pair.entry_scorable and pair.discharge_scorable
    assert contact_counts_differing() == (0, [])
    assert scorable_differing() == (0, [])
    assert pairs_differing() == (0, [])
