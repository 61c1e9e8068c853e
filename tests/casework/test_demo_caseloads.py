"""``assign_demo_caseloads``: the demo's workers get realistic open caseloads."""

import pytest

from vocrehab.accounts.models import Role
from vocrehab.casework import services
from vocrehab.episodes.models import Episode
from vocrehab.management import demo_caseloads


@pytest.mark.django_db
def test_open_episodes_are_shared_out_once(make_staff, make_episode, service):
    users = {
        "casemanager": make_staff(Role.CASE_MANAGER, service),
        "casemanager2": make_staff(Role.CASE_MANAGER, service),
        "supportworker": make_staff(Role.SUPPORT_WORKER, service),
    }
    for i in range(12):
        make_episode(service, tier="2" if i % 2 else "3", days_ago=i + 1)
    closed = make_episode(service, tier="3")
    services.discharge(closed, by=None, on=closed.referral_date, work_status="at_work")

    allocated = demo_caseloads.assign_demo_caseloads(services={"GGC-VR": service}, users=users)
    # The twelve open episodes, and one re-referral of the discharged client to top up.
    assert allocated == 13
    assert Episode.objects.filter(previous_episode=closed, case_manager__isnull=False).exists()
    held = {k: Episode.objects.filter(case_manager=u).count() for k, u in users.items()}
    assert all(n > 0 for n in held.values()), held
    # The support worker holds tier 2 episodes only.
    assert set(
        Episode.objects.filter(case_manager=users["supportworker"]).values_list("tier", flat=True)
    ) == {"2"}
    closed.refresh_from_db()
    assert closed.case_manager is None
    # Safe to run again: nothing moves.
    assert demo_caseloads.assign_demo_caseloads(services={"GGC-VR": service}, users=users) == 0


@pytest.mark.django_db
def test_demo_episodes_have_someone_to_write_to(make_episode, service):
    import random

    from vocrehab.codes import ReferralSource

    rng = random.Random(4)
    referred = [make_episode(service) for _ in range(10)]
    for episode in referred:
        demo_caseloads._demo_correspondents(episode, rng)
    for episode in referred:
        episode.refresh_from_db()
        if episode.referral_source != ReferralSource.SELF:
            assert episode.referrer_email.endswith("@demo.vocrehab.invalid")
    answers = [e.client.consent_to_share_with_gp for e in referred]
    # Most agreed, and the demo also shows the other answers' letters withheld.
    assert answers.count(True) >= 5 and set(answers) - {True}
