"""Background work of casework (django-tasks): sending letters to referrers and GPs."""

from django_tasks import task


@task()
def send_letter_task(letter_id: int, attempt: int = 1) -> bool:
    """Send one letter by email or Notify, retrying later if it fails."""
    # Here, not at the top: the letters service imports this module to queue the task.
    from .services.letters import send_letter

    return send_letter(letter_id, attempt=attempt)
