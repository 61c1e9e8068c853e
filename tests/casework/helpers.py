"""Helpers for casework tests."""

import io

from pypdf import PdfReader


def pdf_text(content: bytes) -> str:
    """All the text of a PDF, pages joined, whitespace collapsed."""
    reader = PdfReader(io.BytesIO(content))
    return " ".join(" ".join((page.extract_text() or "").split()) for page in reader.pages)


def plan_post(start_date, weeks, **extra):
    """POST data for the plan form: ``weeks`` is a list of (week, hours, days, duties)."""
    data = {
        "start_date": start_date.isoformat(),
        "phase-TOTAL_FORMS": str(len(weeks)),
        "phase-INITIAL_FORMS": "0",
        "phase-MIN_NUM_FORMS": "0",
        "phase-MAX_NUM_FORMS": "52",
    }
    for i, (week, hours, days, duties) in enumerate(weeks):
        data.update(
            {
                f"phase-{i}-week": str(week),
                f"phase-{i}-hours": str(hours),
                f"phase-{i}-days": days,
                f"phase-{i}-duties": duties,
            }
        )
    data.update(extra)
    return data
