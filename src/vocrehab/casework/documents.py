"""Documents made from casework: the phased return-to-work plan as a PDF (WeasyPrint)."""

from __future__ import annotations

from django.template.loader import render_to_string

from . import queries
from .models import ReturnPlan


def plan_html(plan: ReturnPlan) -> str:
    """The plan as a self-contained HTML page: what the PDF is rendered from.

    It carries what the client and employer need (weeks, hours, days, duties,
    adjustments, reviews, who agreed) and nothing else from the record: no diagnosis,
    no notes, no identifiers beyond the client's name and the episode reference.
    """
    return render_to_string(
        "casework/plan_pdf.html",
        {"plan": plan, "episode": plan.episode, "rows": queries.plan_progress(plan)},
    )


def plan_document(plan: ReturnPlan):
    """The rendered WeasyPrint document (pages and their boxes), for PDF or inspection."""
    # WeasyPrint is heavy: loaded only when a PDF is made.
    from weasyprint import HTML

    return HTML(string=plan_html(plan)).render()


def plan_pdf_bytes(plan: ReturnPlan) -> bytes:
    return plan_document(plan).write_pdf()
