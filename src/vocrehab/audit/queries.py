from django.db.models import Q

from .models import AccessEvent

# Record types whose model moved app: events logged before the move carry the old label
# (the log is append-only), so a search for the new label finds them too.
EARLIER_RECORD_TYPES = {
    "episodes.episode": ("casework.episode",),
    "episodes.tierchange": ("casework.tierchange",),
}


def filter_events(
    *,
    user_email="",
    action="",
    object_type="",
    object_id="",
    client_id=None,
    date_from=None,
    date_to=None,
):
    """Access events matching the filters, newest first."""
    events = AccessEvent.objects.all()
    if user_email:
        events = events.filter(user_email__icontains=user_email)
    if action:
        events = events.filter(action=action)
    if object_type:
        labels = (object_type, *EARLIER_RECORD_TYPES.get(object_type, ()))
        events = events.filter(object_type__in=labels)
    if object_id:
        events = events.filter(object_id=object_id)
    if client_id:
        # Events about the client's record, and the list pages that showed them.
        events = events.filter(
            Q(client_id=client_id) | Q(clients_listed__contains=f" {int(client_id)} ")
        )
    if date_from:
        events = events.filter(timestamp__date__gte=date_from)
    if date_to:
        events = events.filter(timestamp__date__lte=date_to)
    return events.order_by("-timestamp", "-id")
