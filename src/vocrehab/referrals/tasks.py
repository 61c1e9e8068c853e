"""Background work for referrals (django-tasks): acknowledgement emails and their retry."""

from django_tasks import task


@task()
def send_acknowledgement_task(referral_id: int) -> bool:
    """Send one referral's acknowledgement; a failure is recorded, never raised."""
    # Here, not at the top: services imports this module to queue tasks.
    from .models import Referral
    from .services import send_acknowledgement

    referral = Referral.objects.select_related("service").filter(pk=referral_id).first()
    if referral is None:
        return False
    return send_acknowledgement(referral)


@task()
def retry_acknowledgements_task() -> list[int]:
    """Re-send every acknowledgement that has not gone yet; returns [sent, failing]."""
    # Here, not at the top: services imports this module to queue tasks.
    from .services import retry_acknowledgements

    return list(retry_acknowledgements())
