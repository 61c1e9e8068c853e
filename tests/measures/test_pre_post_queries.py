"""Pre/post functions for reports: paired values per instrument and score, then change."""

from datetime import date

import pytest

from vocrehab.episodes.models import Episode
from vocrehab.measures import queries
from vocrehab.measures.models import Administration, ItemValue


def _give(episode, instrument, timepoint, values, status="completed"):
    administration = Administration.objects.create(
        episode=episode,
        instrument=instrument,
        timepoint=timepoint,
        date=date(2026, 2, 1) if status == "completed" else None,
        status=status,
    )
    for item, value in values.items():
        ItemValue.objects.create(administration=administration, item=item, value=value)
    return administration


@pytest.fixture
def cohort(make_episode, service):
    """Four episodes: three with HADS anxiety entry and discharge, one entry only."""
    episodes = [make_episode(service) for _ in range(4)]
    for episode, (before, after) in zip(episodes, [(12, 8), (15, 9), (10, 11)], strict=False):
        _give(episode, "hads", "entry", {"anxiety": before, "depression": 5})
        _give(episode, "hads", "discharge", {"anxiety": after, "depression": 5})
    _give(episodes[3], "hads", "entry", {"anxiety": 9})
    return episodes


def test_paired_values_give_one_pair_per_episode(cohort):
    pairs = queries.paired_values(Episode.objects.all(), "hads", "anxiety")
    assert sorted(pairs, key=str) == sorted([(12, 8), (15, 9), (10, 11), (9, None)], key=str)


def test_pre_post_applies_the_direction_of_benefit(cohort):
    result = queries.pre_post(Episode.objects.all(), "hads", "anxiety")
    assert result.n == 3
    assert result.n_incomplete == 1
    assert result.higher_is_better is False
    assert result.mean_difference == pytest.approx((-4 - 6 + 1) / 3)
    assert result.improved == 2  # a fall in anxiety is an improvement
    assert result.worsened == 1
    assert result.ci_low is not None and result.wilcoxon_p is not None


def test_only_the_given_episodes_count(cohort):
    only = Episode.objects.filter(pk=cohort[0].pk)
    assert queries.paired_values(only, "hads", "anxiety") == [(12, 8)]


def test_unfinished_administrations_do_not_count(make_episode, service):
    episode = make_episode(service)
    _give(episode, "work_ability", "entry", {"score": 4})
    _give(episode, "work_ability", "discharge", {"score": 9}, status="in_progress")
    assert queries.paired_values(Episode.objects.all(), "work_ability", "score") == [(4, None)]


def test_hads_items_are_prorated_before_pairing(make_episode, service):
    episode = make_episode(service)
    six = {f"a{n}": 2 for n in range(1, 7)}  # a7 missing: prorated to 14
    _give(episode, "hads", "entry", six)
    _give(episode, "hads", "discharge", {f"a{n}": 1 for n in range(1, 6)})  # two missing
    assert queries.paired_values([episode], "hads", "anxiety") == [(14.0, None)]


def test_copm_change_uses_the_mcid_of_two(make_episode, service):
    for before, after in [(3.0, 5.0), (4.0, 5.5), (6.0, 6.0)]:
        episode = make_episode(service)
        _give(episode, "copm", "entry", {"performance": before})
        _give(episode, "copm", "discharge", {"performance": after})
    result = queries.pre_post(Episode.objects.all(), "copm", "performance")
    assert result.mcid == 2
    assert result.improved == 1


def test_eq5d_index_pairs_use_the_chosen_value_set(make_episode, service):
    episode = make_episode(service)
    profile = {
        "mobility": 1,
        "self_care": 1,
        "usual_activities": 1,
        "pain_discomfort": 1,
        "anxiety_depression": 1,
    }
    worse = {**profile, "pain_discomfort": 3}
    _give(episode, "eq5d3l", "entry", worse)
    _give(episode, "eq5d3l", "discharge", profile)
    ((before, after),) = queries.paired_values([episode], "eq5d3l", "index")
    assert after == 1.0
    assert before < 1.0


def test_the_paired_query_count_is_constant(cohort, django_assert_num_queries):
    with django_assert_num_queries(2):
        queries.paired_values(Episode.objects.all(), "hads", "anxiety")
