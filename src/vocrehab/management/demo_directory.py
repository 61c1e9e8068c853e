"""The demonstration's services directory, self-help library and courses.

A new service meets the demo with something to refer and signpost to, material to give
at tier 1 and a course to enrol clients on. Everything is invented (example.org) and
loaded through the same functions the screens use; running it again changes nothing.
"""

from __future__ import annotations

import datetime
from importlib import resources

from django.utils import timezone

from vocrehab.codes import Condition
from vocrehab.directory.csvio import import_directory
from vocrehab.directory.models import (
    Audience,
    Delivery,
    Programme,
    ProgrammeTopic,
    SelfHelpMaterial,
)
from vocrehab.directory.services import create_cohort, save_material

MATERIAL = [
    {
        "title": "Talking to your employer about your condition",
        "summary": "What to say, what you need not say, and how to ask for adjustments.",
        "audience": Audience.CLIENT,
        "link": "https://example.org/vr/talking-to-your-employer",
        "topics": ["work", "adjustments"],
    },
    {
        "title": "Managing fatigue at work",
        "summary": "Pacing, planning the working day and when to ask for help.",
        "audience": Audience.CLIENT,
        "link": "https://example.org/vr/fatigue-at-work",
        "conditions": [Condition.CANCER, Condition.MS],
        "topics": ["fatigue"],
    },
    {
        "title": "Money and benefits while you are off sick",
        "summary": "Sick pay, benefits you may claim and where to get advice.",
        "audience": Audience.CLIENT,
        "link": "https://example.org/vr/money-and-benefits",
        "topics": ["money"],
    },
    {
        "title": "Supporting an employee back to work: a guide for employers",
        "summary": "Phased returns, reasonable adjustments and keeping in touch.",
        "audience": Audience.EMPLOYER,
        "link": "https://example.org/vr/employer-guide",
        "topics": ["adjustments", "phased return"],
    },
]


def seed_directory(services: dict) -> None:
    """Fill the demo organisation's directory, library and each service's course."""
    organisation = next(iter(services.values())).organisation
    example = resources.files("vocrehab.directory") / "data" / "example-directory.csv"
    import_directory(example.read_text(encoding="utf-8"), organisation=organisation)
    for values in MATERIAL:
        existing = SelfHelpMaterial.objects.filter(
            organisation=organisation, title=values["title"]
        ).first()
        save_material(
            organisation=organisation,
            values={"conditions": [], "active": True, **values},
            instance=existing,
        )
    start = timezone.localdate() + datetime.timedelta(days=14)
    for service in services.values():
        programme, created = Programme.objects.get_or_create(
            service=service,
            title="Fatigue and work: a six-week course",
            defaults={
                "topic": ProgrammeTopic.FATIGUE,
                "description": "Understanding fatigue, pacing and planning a return to work.",
                "sessions": 6,
                "delivery": Delivery.GROUP,
                "completion_sessions": 4,
            },
        )
        if created:
            create_cohort(
                programme=programme,
                start_date=start,
                capacity=10,
                venue="Community room, 1 Example Street",
            )
