"""No change history in the Django admin.

django-auditlog registers its log entries with the admin, where every old and new value
(names, dates of birth, NHS numbers, addresses) can be searched and read by anyone with
admin access, unlogged. Administrators are refused clients' records, so the admin must
not be a way round that. The audit log pages show who changed which fields of whose
record; the values themselves stay in the database (``auditlog_logentry``) for an
investigation by whoever holds database access (see docs/administration.md).
"""

from auditlog.models import LogEntry
from django.contrib import admin

if admin.site.is_registered(LogEntry):
    admin.site.unregister(LogEntry)
