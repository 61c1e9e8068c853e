"""Background work for staff accounts (django-tasks)."""

from django_tasks import task


@task()
def send_staff_email_task(**message) -> bool:
    """Send an email to a member of staff, retrying later if the mail server fails."""
    # Here, not at the top: the mail module imports this one to queue the task.
    from .mail import deliver_staff_email

    return deliver_staff_email(**message)
