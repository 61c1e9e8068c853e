"""The access log: every read and change of a person's record, every export, every sign-in.

A page that lists people by name writes one event naming every client it showed.

Append-only: rows cannot be updated or deleted through the ORM, and on PostgreSQL a
trigger refuses UPDATE and DELETE from any client.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Action(models.TextChoices):
    READ = "read", _("Read")
    CREATE = "create", _("Create")
    CHANGE = "change", _("Change")
    DELETE = "delete", _("Delete")
    EXPORT = "export", _("Export")
    IMPORT = "import", _("Import")
    LOGIN = "login", _("Signed in")
    LOGIN_FAILED = "login_failed", _("Sign-in failed")
    LOGOUT = "logout", _("Signed out")
    LOCKED_OUT = "locked_out", _("Locked out")
    DISPOSE = "dispose", _("Anonymised after the retention period")
    API_REQUEST = "api_request", _("API request with a token")


class AppendOnlyError(Exception):
    pass


class AccessEvent(models.Model):
    timestamp = models.DateTimeField(_("when"), auto_now_add=True, db_index=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("who"),
    )
    # Kept as text too, so the log stays readable if an account is renamed.
    user_email = models.CharField(_("user email"), max_length=254, blank=True)
    action = models.CharField(_("action"), max_length=20, choices=Action.choices)
    object_type = models.CharField(_("record type"), max_length=100, blank=True)
    object_id = models.CharField(_("record id"), max_length=64, blank=True, db_index=True)
    client_id = models.BigIntegerField(_("client"), null=True, blank=True, db_index=True)
    # A page that lists people by name (search results, a caseload, the triage queue)
    # is one event naming every client it showed: their ids, space-separated and padded
    # (" 12 15 19 "), so that a search for one client finds the lists that showed them.
    clients_listed = models.TextField(_("clients listed"), blank=True, default="")
    service_id = models.BigIntegerField(_("service"), null=True, blank=True)
    fields = models.JSONField(_("fields"), default=list, blank=True)
    detail = models.CharField(_("detail"), max_length=255, blank=True)
    ip_address = models.GenericIPAddressField(_("IP address"), null=True, blank=True)
    path = models.CharField(_("path"), max_length=255, blank=True)
    # The API token the request was made with (its name and public prefix), if any.
    token = models.CharField(_("API token"), max_length=140, blank=True, default="")

    class Meta:
        ordering = ["-timestamp", "-id"]
        verbose_name = _("access event")
        indexes = [models.Index(fields=["object_type", "object_id"])]

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise AppendOnlyError("The access log is append-only.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AppendOnlyError("The access log is append-only.")

    def __str__(self):
        return f"{self.timestamp:%Y-%m-%d %H:%M} {self.user_email} {self.action}"
