"""A busy database answers "try again", never a server error, and loses nothing typed.

When a write cannot get the database in time (SQLite's lock held past the busy
timeout by a long import, a PostgreSQL serialization failure or deadlock, a lost
connection), the transaction has been rolled back and trying again shortly will work.
The person gets the "service is busy" page (HTTP 503 with Retry-After) instead of a
server error; after a form, that page holds what they sent and sends it again with one
button. Session saves are writes too: Django's session middleware is replaced by one
that answers the same way when the session cannot be saved.
"""

import logging

from django.contrib.sessions.middleware import SessionMiddleware as DjangoSessionMiddleware

from .dberrors import is_transient
from .views import is_busy_answer, service_busy

logger = logging.getLogger(__name__)
_KEPT_HEADERS = ("Content-Security-Policy", "X-Frame-Options")


class TransientDatabaseErrorMiddleware:
    """Turn a transient database error in a view into the "service is busy" answer."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if not is_transient(exception):
            return None
        logger.warning(
            "database busy: %s %s answered 503", request.method, request.path, exc_info=exception
        )
        return service_busy(request)


class SessionMiddleware(DjangoSessionMiddleware):
    """Django's session middleware, but a session that cannot be saved for a transient
    database error gives the "service is busy" answer instead of a server error.

    A "busy" answer saves the session (Django's does not save it with a server error):
    it may hold what the person sent. If the view already answered "busy" and the
    session cannot be saved either, that answer stands (its page holds what was sent).
    A form that was saved keeps its answer: the work is done, and only this request's
    change to the session (a message, say) is lost. Anything else (a page, a link being
    opened) answers "busy", to be loaded again.
    """

    def process_response(self, request, response):
        busy = is_busy_answer(response)
        if busy:
            # Django saves no session with a 5xx answer; this one must be saved: it
            # holds what the person sent (a client's unsaved questionnaire answers).
            response.status_code = 200
        try:
            return super().process_response(request, response)
        except Exception as error:
            if not is_transient(error):
                raise
            logger.warning(
                "database busy: the session of %s %s was not saved",
                request.method,
                request.path,
                exc_info=error,
            )
            if busy or (request.method == "POST" and response.status_code < 400):
                return response
            answer = service_busy(request)
            # Set on the way out by middleware this one wraps: keep them.
            for header in _KEPT_HEADERS:
                if response.has_header(header):
                    answer[header] = response[header]
            return answer
        finally:
            if busy:
                response.status_code = 503
