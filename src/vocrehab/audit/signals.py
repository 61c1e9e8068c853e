"""Feed the access log from sign-in events and from django-auditlog's change history."""

from allauth.account.signals import user_logged_in as allauth_logged_in
from auditlog.models import LogEntry
from axes.signals import user_locked_out
from django.contrib.auth.signals import user_logged_out, user_login_failed
from django.db.models.signals import post_save
from django.dispatch import receiver

from .models import Action
from .services import record_event

_CHANGE_ACTIONS = {
    LogEntry.Action.CREATE: Action.CREATE,
    LogEntry.Action.UPDATE: Action.CHANGE,
    LogEntry.Action.DELETE: Action.DELETE,
}


@receiver(allauth_logged_in)
def _logged_in(sender, request, user, **kwargs):
    record_event(action=Action.LOGIN, request=request, user=user)


@receiver(user_logged_out)
def _logged_out(sender, request, user, **kwargs):
    if user is not None:
        record_event(action=Action.LOGOUT, request=request, user=user)


@receiver(user_login_failed)
def _login_failed(sender, credentials, request=None, **kwargs):
    # The typed name is kept in ``detail`` only as entered; it may not be an account.
    name = (credentials or {}).get("email") or (credentials or {}).get("username") or ""
    record_event(action=Action.LOGIN_FAILED, request=request, detail=str(name)[:200])


@receiver(user_locked_out)
def _locked_out(sender, request, username, ip_address, **kwargs):
    record_event(action=Action.LOCKED_OUT, request=request, detail=str(username)[:200])


@receiver(post_save, sender=LogEntry)
def _change_logged(sender, instance, created, raw=False, **kwargs):
    # A raw save is history being loaded (``vocrehab loaddata`` when moving to
    # PostgreSQL): its access event comes with it, so none is made again.
    if raw or not created or instance.action not in _CHANGE_ACTIONS:
        return
    model = instance.content_type.model_class() if instance.content_type_id else None
    label = model._meta.label_lower if model else ""
    changes = instance.changes_dict if hasattr(instance, "changes_dict") else {}
    record_event(
        action=_CHANGE_ACTIONS[instance.action],
        user=instance.actor,
        object_type=label,
        object_id=instance.object_pk,
        client_id=(instance.additional_data or {}).get("client_id"),
        service_id=(instance.additional_data or {}).get("service_id"),
        fields=list(changes.keys()),
        detail=f"change history #{instance.pk}",
        ip_address=instance.remote_addr,
    )
