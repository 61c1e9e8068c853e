"""Gaps: onward needs recorded for clients in areas no listed service covers for that need."""

import pytest

from vocrehab.accounts.models import Organisation
from vocrehab.directory.queries import coverage_gaps, coverage_matrix, directory_activity

GLASGOW = "S12000049"
EDINBURGH = "S12000036"


def gap_table(rows):
    return {(r["area_code"], r["category"]): (r["needs"], r["clients"]) for r in rows}


@pytest.fixture
def built(organisation, service, make_entry, make_episode, make_onward):
    """Glasgow has welfare advice; Edinburgh has nothing; legal advice is nowhere."""
    make_entry(organisation, categories=["welfare"], areas=[GLASGOW])
    glasgow = [make_episode(service, area_code=GLASGOW) for _ in range(3)]
    edinburgh = [make_episode(service, area_code=EDINBURGH) for _ in range(2)]
    for e in glasgow:
        make_onward(e, "welfare")  # covered
        make_onward(e, "legal")  # gap
    make_onward(glasgow[0], "legal", kind="signpost")  # a second need, same client
    for e in edinburgh:
        make_onward(e, "welfare")  # gap: the welfare service is Glasgow only
    return glasgow, edinburgh


@pytest.mark.django_db
def test_gaps_on_hand_built_data(built, service):
    assert gap_table(coverage_gaps([service])) == {
        (GLASGOW, "legal"): (4, 3),
        (EDINBURGH, "welfare"): (2, 2),
    }


@pytest.mark.django_db
def test_a_nation_wide_service_closes_the_gap(built, service, organisation, make_entry):
    make_entry(organisation, categories=["welfare"], areas=["S92000003"])
    assert gap_table(coverage_gaps([service])) == {(GLASGOW, "legal"): (4, 3)}


@pytest.mark.django_db
def test_postcode_coverage_counts_for_clients_living_there(
    service, organisation, make_entry, make_episode, make_onward
):
    make_entry(organisation, categories=["legal"], areas=["G12"])
    inside = make_episode(service, area_code=GLASGOW, postcode="G12 8QQ")
    outside = make_episode(service, area_code=GLASGOW, postcode="G1 1AA")
    no_postcode = make_episode(service, area_code=GLASGOW)
    for e in (inside, outside, no_postcode):
        make_onward(e, "legal")
    assert gap_table(coverage_gaps([service])) == {(GLASGOW, "legal"): (2, 2)}


@pytest.mark.django_db
def test_unlisted_and_other_organisations_services_do_not_cover(
    built, service, organisation, make_entry
):
    make_entry(organisation, categories=["legal"], areas=[GLASGOW], active=False)
    other = Organisation.objects.create(name="Elsewhere", code="elsewhere")
    make_entry(other, categories=["legal"], areas=[GLASGOW])
    assert (GLASGOW, "legal") in gap_table(coverage_gaps([service]))


@pytest.mark.django_db
def test_small_numbers_are_suppressed_for_commissioners(built, service):
    rows = gap_table(coverage_gaps([service], suppress=True))
    assert rows == {(GLASGOW, "legal"): (None, None), (EDINBURGH, "welfare"): (None, None)}


@pytest.mark.django_db
def test_only_the_given_services_are_counted(built, other_service, service):
    assert coverage_gaps([other_service]) == []


@pytest.mark.django_db
def test_coverage_matrix_counts_services_per_area_and_need(organisation, make_entry):
    make_entry(organisation, categories=["welfare", "legal"], areas=[GLASGOW])
    make_entry(organisation, categories=["welfare"], areas=[GLASGOW, EDINBURGH])
    matrix = coverage_matrix([organisation], areas=["S12000033"])
    assert matrix["areas"] == ["S12000033", EDINBURGH, GLASGOW]
    assert matrix["cells"] == {
        (GLASGOW, "welfare"): 2,
        (GLASGOW, "legal"): 1,
        (EDINBURGH, "welfare"): 1,
    }


@pytest.mark.django_db
def test_activity_counts_referrals_signposts_and_take_up(
    organisation, service, make_entry, make_episode, make_onward
):
    entry = make_entry(organisation, name="Money advice", reference="money")
    idle = make_entry(organisation, name="Nobody went", reference="idle")
    episodes = [make_episode(service, area_code=GLASGOW) for _ in range(7)]
    for i, e in enumerate(episodes):
        outcome = ["accepted", "attended", "not_taken_up", ""][i % 4]
        make_onward(e, "financial", service_ref="money", outcome=outcome)
    make_onward(episodes[0], "financial", kind="signpost", service_ref="money")
    rows = {r["reference"]: r for r in directory_activity([service], [organisation])}
    assert rows["money"]["referrals"] == 7
    assert rows["money"]["signposts"] == 1
    assert rows["money"]["taken_up"] == 4
    assert rows[idle.reference]["referrals"] == 0
    suppressed = {
        r["reference"]: r for r in directory_activity([service], [organisation], suppress=True)
    }
    assert suppressed["money"]["referrals"] == 7
    assert suppressed["money"]["signposts"] is None
    assert suppressed[idle.reference]["referrals"] == 0
    assert entry.name == "Money advice"


@pytest.mark.django_db
def test_activity_keeps_each_organisations_references_apart(
    organisation, service, make_entry, make_episode, make_onward
):
    other = Organisation.objects.create(name="Elsewhere", code="elsewhere")
    make_entry(organisation, reference="acas")
    make_entry(other, reference="acas")
    make_onward(make_episode(service), "legal", service_ref="acas")
    rows = directory_activity([service], [organisation, other])
    assert sorted(r["referrals"] for r in rows) == [0, 1]


@pytest.mark.django_db
def test_mapping_costs_the_same_queries_whatever_the_data(
    organisation, service, make_entry, make_episode, make_onward, make_staff,
    django_assert_max_num_queries,
):  # fmt: skip
    from vocrehab.directory.queries import service_mapping

    manager = make_staff("service_manager", service)
    for i in range(20):
        make_entry(organisation, categories=["welfare", "legal"], areas=[f"S120000{i:02d}"])
        episode = make_episode(service, area_code=f"S120001{i:02d}")
        make_onward(episode, "legal", service_ref="svc-1")
    with django_assert_max_num_queries(8):
        data = service_mapping(manager)
        assert len(data["gaps"]) == 20 and len(data["activity"]) == 20
