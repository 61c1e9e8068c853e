"""Realistic open caseloads for the demonstration (``vocrehab demo``; synthetic data only).

The demo loads a synthetic VRMDS history, which is mostly discharged. These functions
give the demo's workers open caseloads through the same casework services that staff
use, so every page has something to show.
"""

from __future__ import annotations

import datetime
import random
from collections.abc import Mapping

from django.db import transaction
from django.utils import timezone

from vocrehab.accounts.models import Role
from vocrehab.casework.services import (
    add_goal,
    add_reminder,
    re_refer,
    record_assessment,
    record_contact,
    save_return_plan,
)
from vocrehab.codes import ContactMode, ContactWith, Intervention, ReferralSource
from vocrehab.episodes.models import Episode
from vocrehab.episodes.services import change_tier, set_case_manager

DEMO_TARGETS = {Role.CASE_MANAGER: 14, Role.SUPPORT_WORKER: 8}


def assign_demo_caseloads(*, services: Mapping, users: Mapping, per_worker: int = 40) -> int:
    """Give the demo case managers and support worker realistic open caseloads.

    Used by ``vocrehab demo`` after the synthetic import (synthetic data only). First the
    open, unallocated episodes of each demo service are shared out (every other tier 2
    episode to the support worker). The synthetic history is mostly discharged, so each
    worker is then topped up to a working caseload (``DEMO_TARGETS``) with re-referrals
    of earlier clients received in the last ten weeks, each with the contacts,
    assessment, goals, reminders and (for some) a return-to-work plan that its age
    implies. Safe to run again: a worker at their target is left alone. Returns the
    number of episodes allocated or opened.
    """
    plan = {
        "GGC-VR": (["casemanager", "casemanager2"], ["supportworker"]),
        "LEEDS-VR": (["leeds.casemanager"], []),
        "SUSSEX-VR": (["sussex.casemanager"], []),
    }
    rng = random.Random(2014)  # noqa: S311 - demonstration data, not security
    allocated = 0
    for code, (practitioners, support) in plan.items():
        service = services.get(code)
        workers = [users[u] for u in practitioners if u in users]
        helpers = [users[u] for u in support if u in users]
        if service is None or not workers:
            continue
        held = {
            w.pk: Episode.objects.filter(case_manager=w, discharge_date__isnull=True).count()
            for w in workers + helpers
        }
        queue = Episode.objects.open().filter(service=service, case_manager__isnull=True)
        tier_two = 0
        for episode in queue.order_by("-referral_date")[: per_worker * 3]:
            # Every other tier 2 episode goes to the support worker (lighter-touch work).
            pool = workers
            if episode.tier == "2" and helpers:
                pool = helpers if tier_two % 2 == 0 else workers
                tier_two += 1
            worker = min(pool, key=lambda w: held[w.pk])
            if held[worker.pk] >= per_worker:
                continue
            set_case_manager(episode, worker=worker)
            held[worker.pk] += 1
            allocated += 1
        sources = iter(
            Episode.objects.discharged()
            .filter(service=service)
            .exclude(client__episodes__discharge_date__isnull=True)
            .select_related("client")
            .order_by("-discharge_date", "pk")
        )
        used_clients: set[int] = set()
        for worker in workers + helpers:
            role = Role.SUPPORT_WORKER if worker in helpers else Role.CASE_MANAGER
            for _n in range(max(0, DEMO_TARGETS[role] - held[worker.pk])):
                source = next(sources, None)
                while source is not None and source.client_id in used_clients:
                    source = next(sources, None)
                if source is None:
                    break
                used_clients.add(source.client_id)
                _demo_episode(source, worker=worker, support=role == Role.SUPPORT_WORKER, rng=rng)
                held[worker.pk] += 1
                allocated += 1
    return allocated


def _demo_correspondents(episode: Episode, rng) -> None:
    """A referrer to write to, and for most clients a GP practice they agreed may have
    letters (some not asked yet, some declined), so the demo shows letters of each kind."""
    if episode.referral_source != ReferralSource.SELF and not episode.referrer_email:
        episode.referrer_name = episode.referrer_name or "Dr A Synthetic"
        episode.referrer_email = f"referrer{episode.pk}@demo.vocrehab.invalid"
        episode.save(update_fields=["referrer_name", "referrer_email"])
    client = episode.client
    if client.consent_to_share_with_gp is None and rng.random() < 0.8:
        client.gp_practice = "Synthetic Street Medical Practice"
        client.gp_email = f"practice{client.pk}@demo.vocrehab.invalid"
        client.consent_to_share_with_gp = rng.random() < 0.85
        client.save(update_fields=["gp_practice", "gp_email", "consent_to_share_with_gp"])


def _demo_episode(source: Episode, *, worker, support: bool, rng) -> Episode:
    """One open demo episode (a re-referral of ``source``) with the activity its age implies."""
    today = timezone.localdate()
    # Received in the last ten weeks, and after the earlier discharge.
    age = min(rng.randint(0, 70), (today - source.discharge_date).days)
    with transaction.atomic():
        episode = re_refer(source, by=None, referral_date=today - datetime.timedelta(days=age))
        tier = "2" if support or rng.random() < 0.3 else "3"
        change_tier(episode, to_tier=tier, by=worker, reason="Triage", on=episode.referral_date)
        episode = set_case_manager(episode, worker=worker)
        _demo_correspondents(episode, rng)
        if age < 3:
            return episode  # waiting for the first contact
        day = episode.referral_date + datetime.timedelta(days=rng.randint(1, 3))
        codes = list(Intervention.values)
        first = True
        while day <= today:
            record_contact(
                episode,
                by=worker,
                contact_date=day,
                mode=rng.choice([ContactMode.PHONE, ContactMode.PHONE, ContactMode.FACE_TO_FACE]),
                contact_with=ContactWith.CLIENT,
                minutes=rng.choice([15, 20, 30, 45, 60]),
                interventions=["assessment", "goal_setting"] if first else rng.sample(codes, 2),
                note="Synthetic demonstration contact.",
            )
            if first and age > 8:
                record_assessment(
                    episode,
                    by=worker,
                    assessed_on=day,
                    data={
                        "fatigue": "Fatigue later in the day (synthetic).",
                        "job_demands": "On feet most of the shift (synthetic).",
                        "barriers": "Confidence; worried about the manager's reaction.",
                    },
                    key_issues=["Fatigue", "Talking to the employer", "Money"],
                )
                add_goal(
                    episode,
                    by=worker,
                    description="Agree a phased return with the employer",
                    term="short",
                    target_date=day + datetime.timedelta(weeks=4),
                    set_on=day,
                )
            first = False
            day += datetime.timedelta(days=rng.randint(6, 12))
        add_reminder(
            episode,
            by=worker,
            text="Phone to review progress",
            due_on=today + datetime.timedelta(days=rng.randint(-3, 10)),
            assigned_to=worker,
        )
        if tier == "3" and age > 35:
            start = today - datetime.timedelta(days=rng.randint(0, 14))
            save_return_plan(
                episode,
                by=worker,
                start_date=start,
                usual_hours=37.5,
                phases=[
                    {"week": w, "hours": h, "days": d, "duties": t}
                    for w, h, d, t in (
                        (1, 12, "Mon, Wed, Fri", "Admin and catching up; no lifting"),
                        (2, 18, "Mon to Wed", "Usual tasks, mornings only"),
                        (3, 25, "Mon to Thu", "Usual tasks; no late shifts"),
                        (4, 37.5, "Mon to Fri", "Full duties; review breaks"),
                    )
                ],
                adjustments="Rest breaks as needed; a parking space near the door.",
                review_dates=[start + datetime.timedelta(weeks=2)],
                agreed_by_client=True,
            )
    return episode
