import csv

from django.core.paginator import Paginator
from django.http import StreamingHttpResponse
from django.shortcuts import render

from vocrehab.accounts.access import Perm, requires
from vocrehab.csvsafe import neutralise_cell

from .forms import AuditFilterForm
from .models import AccessEvent, Action
from .queries import filter_events
from .services import record_event

CSV_COLUMNS = [
    "timestamp",
    "user_email",
    "action",
    "object_type",
    "object_id",
    "client_id",
    "service_id",
    "fields",
    "clients_listed",
    "detail",
    "ip_address",
    "path",
    "token",
]


def _filtered(request):
    form = AuditFilterForm(request.GET or None)
    if form.is_bound and form.is_valid():
        return form, filter_events(**form.cleaned_data)
    if form.is_bound:
        return form, AccessEvent.objects.none()
    return form, filter_events()


@requires(Perm.VIEW_AUDIT)
def audit_log(request):
    form, events = _filtered(request)
    page = Paginator(events.select_related(None), 50).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "audit/log.html",
        {"form": form, "page": page, "query": query.urlencode()},
    )


class _Echo:
    def write(self, value):
        return value


@requires(Perm.VIEW_AUDIT)
def audit_log_csv(request):
    form, events = _filtered(request)
    record_event(action=Action.EXPORT, request=request, detail="audit log CSV")
    writer = csv.writer(_Echo())

    def rows():
        yield writer.writerow(CSV_COLUMNS)
        for event in events.values_list(*CSV_COLUMNS).iterator(chunk_size=2000):
            row = list(event)
            row[0] = row[0].isoformat()
            row[7] = ";".join(row[7] or [])
            row[8] = row[8].strip()
            yield writer.writerow(neutralise_cell(v) for v in row)

    response = StreamingHttpResponse(rows(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="vocrehab-audit-log.csv"'
    return response
