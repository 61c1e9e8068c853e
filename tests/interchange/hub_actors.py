"""The people of the two-install test, one process each, on the database in DATABASE_URL.

``python -m tests.interchange.hub_actors ACTION [ARGS]`` sets Django up from the
environment and prints a JSON line:

- ``hub-setup CODE``: the hub's administrator adds the submitting service, a system
  account with the service manager role in it and its ``submissions:write`` token, and
  a ``reports:read`` token for reading the report back;
- ``manager CODE``: a service manager's ``reports:read`` token on the service's install;
- ``correct CODE FROM TO``: corrects the service's records of the period (one episode
  withdrawn as entered in error, another's weeks off work corrected);
- ``versions CODE PERIOD``: the hub's versions of that service's period.
"""

from __future__ import annotations

import datetime
import json
import sys


def _setup() -> None:
    import django

    django.setup()


def _account(code: str, email: str, *, system: bool):
    from vocrehab.accounts.models import Membership, Organisation, Role, Service, User
    from vocrehab.codes import Nation

    service = Service.objects.filter(code=code).first()
    if service is None:
        organisation, _ = Organisation.objects.get_or_create(
            code="hub", defaults={"name": "Synthetic commissioning hub"}
        )
        service = Service.objects.create(
            organisation=organisation, code=code, name=f"{code} (submitted)", nation=Nation.SCOTLAND
        )
    user = User.objects.create_user(
        email=email, password=None, first_name="Synthetic", last_name="Account"
    )
    if system:
        user.is_system_account = True
        user.save()
    Membership.objects.create(
        user=user, organisation=service.organisation, service=service, role=Role.SERVICE_MANAGER
    )
    return service, user


def _token(user, service, scope: str, name: str) -> str:
    from django.utils import timezone

    from vocrehab.accounts.tokens import issue_token

    return issue_token(
        name=name,
        owner=user,
        scopes=[scope],
        services=[service],
        expires_on=timezone.localdate() + datetime.timedelta(days=30),
        by=user,
    ).secret


def hub_setup(code: str) -> dict:
    service, user = _account(code, "submissions@hub.example.org", system=True)
    return {
        "submit": _token(user, service, "submissions:write", f"{code} monthly"),
        "reports": _token(user, service, "reports:read", "Comparison"),
    }


def manager(code: str) -> dict:
    from vocrehab.accounts.models import Service

    service = Service.objects.get(code=code)
    _service, user = _account(code, "manager@service.example.org", system=False)
    return {"reports": _token(user, service, "reports:read", "Comparison")}


def correct(code: str, start: str, end: str) -> dict:
    from auditlog.context import disable_auditlog

    from vocrehab.episodes.models import Episode

    episodes = Episode.objects.filter(
        service__code=code,
        referral_date__gte=start,
        referral_date__lte=end,
        re_referrals__isnull=True,
        previous_episode__isnull=True,
    ).order_by("reference")
    withdrawn, corrected = episodes[0], episodes[1]
    with disable_auditlog():
        withdrawn.delete()
        corrected.weeks_absent_at_referral = (corrected.weeks_absent_at_referral or 0) + 3
        corrected.save()
    return {"withdrawn": withdrawn.reference, "corrected": corrected.reference}


def versions(code: str, period: str) -> dict:
    from vocrehab.episodes.models import Episode
    from vocrehab.interchange.models import ReceivedVersion

    rows = ReceivedVersion.objects.filter(service__code=code, period=period).order_by("number")
    return {
        "versions": [
            {
                "number": v.number,
                "current": v.current,
                "checksum": v.checksum,
                "token_name": v.token_name,
                "rows": v.rows,
                "episodes_removed": v.episodes_removed,
            }
            for v in rows
        ],
        "episodes": Episode.objects.filter(service__code=code).count(),
    }


ACTIONS = {"hub-setup": hub_setup, "manager": manager, "correct": correct, "versions": versions}


def main() -> None:
    _setup()
    action, *args = sys.argv[1:]
    print(json.dumps(ACTIONS[action](*args)))


if __name__ == "__main__":
    main()
