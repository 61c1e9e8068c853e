"""Writing to the access log. Every read or change of a person's record calls these."""

from __future__ import annotations

from collections.abc import Iterable

from .models import AccessEvent, Action


def client_ip(request) -> str | None:
    if request is None:
        return None
    # Behind a proxy, the proxy must set REMOTE_ADDR correctly (see docs/administration.md).
    return request.META.get("REMOTE_ADDR") or None


def record_event(
    *,
    action: str,
    request=None,
    user=None,
    obj=None,
    object_type: str = "",
    object_id: str | int = "",
    client_id: int | None = None,
    service_id: int | None = None,
    fields: Iterable[str] = (),
    detail: str = "",
    ip_address: str | None = None,
    clients_listed: Iterable[int] = (),
    token: str | None = None,
) -> AccessEvent:
    """Append one event. ``obj`` may give the record type, id, client and service."""
    if user is None and request is not None:
        user = request.user if request.user.is_authenticated else None
    if token is None:
        token = token_label(user)
    if obj is not None:
        object_type = object_type or obj._meta.label_lower
        object_id = object_id or obj.pk
        if client_id is None or service_id is None:
            owner_client, owner_service = _owner_of(obj)
            client_id = owner_client if client_id is None else client_id
            service_id = owner_service if service_id is None else service_id
    return AccessEvent.objects.create(
        user=user,
        user_email=getattr(user, "email", "") or "",
        action=action,
        object_type=object_type,
        object_id=str(object_id or ""),
        client_id=client_id,
        service_id=service_id,
        fields=sorted(fields),
        clients_listed=listed_text(clients_listed),
        detail=detail[:255],
        ip_address=ip_address or client_ip(request),
        path=(request.path[:255] if request is not None else ""),
        token=token[:140],
    )


def token_label(user) -> str:
    """The API token a request acts with, as the log names it: "name (prefix)", or "".

    Token authentication (``accounts/tokens.py``) puts the token on the user object of
    that request as ``api_token``; every event of the request, and every change its
    user makes, then carries the token's name.
    """
    token = getattr(user, "api_token", None)
    return f"{token.name} ({token.prefix})" if token is not None else ""


def listed_text(client_ids: Iterable[int]) -> str:
    """Client ids as stored in ``AccessEvent.clients_listed``: " 12 15 19 " (or "")."""
    ids = sorted({int(i) for i in client_ids if i is not None})
    return f" {' '.join(map(str, ids))} " if ids else ""


def _owner_of(obj) -> tuple[int | None, int | None]:
    """The client and service a record belongs to: its own columns, or, for a record
    that hangs off an episode (a questionnaire, a letter), what it tells the change
    history (``get_additional_data``), so that asking the log about a client, and a
    subject access request, find every read of their records."""
    if obj._meta.label_lower == "clients.client":
        return obj.pk, getattr(obj, "service_id", None)
    client_id = getattr(obj, "client_id", None)
    service_id = getattr(obj, "service_id", None)
    if (client_id is None or service_id is None) and hasattr(obj, "get_additional_data"):
        owner = obj.get_additional_data() or {}
        client_id = client_id if client_id is not None else owner.get("client_id")
        service_id = service_id if service_id is not None else owner.get("service_id")
    return client_id, service_id


def record_read(request, obj, *, fields: Iterable[str] = ()) -> AccessEvent:
    """Log that the signed-in user looked at ``obj`` (a person's record or part of it)."""
    return record_event(action=Action.READ, request=request, obj=obj, fields=fields)


def record_export(request=None, *, user=None, detail: str, service_id=None) -> AccessEvent:
    return record_event(
        action=Action.EXPORT, request=request, user=user, detail=detail, service_id=service_id
    )


def record_listing(
    request, *, page: str, client_ids: Iterable[int], service_id: int | None = None
) -> AccessEvent | None:
    """Log that a page listed people by name: one event naming every client it showed.

    One INSERT whatever the number of rows; nothing when the page listed nobody.
    """
    ids = {int(i) for i in client_ids if i is not None}
    if not ids:
        return None
    return record_event(
        action=Action.READ,
        request=request,
        object_type="list",
        service_id=service_id,
        detail=f"{page}: {len(ids)} clients listed",
        clients_listed=ids,
    )
