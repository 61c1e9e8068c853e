"""A service may have GOV.UK Notify post its letters with no email: the PDF goes to
Notify as a precompiled letter, Notify's id is kept, and whatever Notify answers
otherwise leaves the letter on the print list with the reason in words.

Notify is replaced at its boundary: the real client library, whose HTTP session answers
as Notify would (or fails as the network would). Nothing leaves the machine."""

import base64
import datetime
import io
import json
import uuid

import pytest
import requests
from django.urls import reverse
from django.utils import timezone
from notifications_python_client.notifications import NotificationsAPIClient
from pypdf import PdfReader

from vocrehab.accounts.models import Role
from vocrehab.audit.models import AccessEvent
from vocrehab.casework.models import Letter, LetterChannel, LetterStatus
from vocrehab.casework.services import letters as letter_services
from vocrehab.casework.services.letters import send_letter
from vocrehab.episodes.services import record_first_contact_date

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()
KEY = f"vocrehab_test-{uuid.UUID(int=1)}-{uuid.UUID(int=2)}"
NOTIFY_ID = "740e5834-3a29-46b4-9a6f-16142fde533a"
MM = 72 / 25.4


class NotifySession:
    """Stands in for the client's HTTP session: records each request, answers in turn."""

    def __init__(self, *answers):
        self.answers = list(answers)
        self.sent = []

    def request(self, method, url, **kwargs):
        self.sent.append((method, url, json.loads(kwargs["data"])))
        answer = self.answers.pop(0) if len(self.answers) > 1 else self.answers[0]
        if isinstance(answer, Exception):
            raise answer
        status, body = answer
        response = requests.Response()
        response.status_code = status
        response._content = json.dumps(body).encode()
        response.url = url
        return response


def accepted():
    return (201, {"id": NOTIFY_ID, "reference": "letter", "postage": "second"})


def refused(status, message, error="BadRequestError"):
    return (status, {"status_code": status, "errors": [{"error": error, "message": message}]})


@pytest.fixture
def notify(settings, monkeypatch, service):
    """Notify set up, the service posting by Notify; ``notify(*answers)`` gives the session."""
    settings.NOTIFY_API_KEY = KEY
    service.letters_by_post = "notify"
    service.save()

    def answering(*answers):
        session = NotifySession(*answers)

        def client():
            real = NotificationsAPIClient(KEY)
            real.request_session = session
            return real

        monkeypatch.setattr(letter_services, "notify_client", client)
        return session

    return answering


@pytest.fixture
def posted_to_gp(make_episode, service):
    """An episode whose client agreed to GP letters; the practice has an address, no email."""

    def make(worker=None, *, gp_address="2 River Road\nGlasgow\nG1 1AA"):
        episode = make_episode(
            service,
            worker=worker,
            referrer_name="Nurse Jones",
            referrer_email="nurse@example.org",
            consent_to_share=True,
        )
        client = episode.client
        client.gp_practice = "Riverside Medical Practice"
        client.gp_address = gp_address
        client.consent_to_share_with_gp = True
        client.save()
        return episode

    return make


def _gp(episode):
    return Letter.objects.get(episode=episode, recipient_kind="gp")


def test_the_manager_chooses_notify_for_posted_letters(signed_in, settings, service):
    web, _manager = signed_in(Role.SERVICE_MANAGER)
    url = reverse("casework:letter_templates")
    settings.NOTIFY_API_KEY = ""
    page = web.get(url).content.decode()
    assert "GOV.UK Notify is not set up on this installation" in page
    r = web.post(url, {"letters_by_post": "notify"})
    assert r.status_code == 200
    assert "ask your administrator to set VOCREHAB_NOTIFY_API_KEY" in r.content.decode()
    service.refresh_from_db()
    assert service.letters_by_post == "print"
    settings.NOTIFY_API_KEY = KEY
    r = web.post(url, {"letters_by_post": "notify"})
    assert r.status_code == 302
    service.refresh_from_db()
    assert service.letters_by_post == "notify"
    r = web.post(url, {"letters_by_post": "somewhere"})
    assert r.status_code == 200 and "select a valid choice" in r.content.decode().lower()


def test_only_a_service_manager_chooses(signed_in, service):
    web, _user = signed_in(Role.CASE_MANAGER)
    r = web.post(reverse("casework:letter_templates"), {"letters_by_post": "notify"})
    assert r.status_code == 403


def test_notify_posts_the_pdf_and_its_id_is_kept(
    notify, case_manager, posted_to_gp, django_capture_on_commit_callbacks
):
    session = notify(accepted())
    web, user = case_manager
    episode = posted_to_gp(user)
    with django_capture_on_commit_callbacks(execute=True):
        record_first_contact_date(episode, on=TODAY)
    letter = _gp(episode)
    assert (letter.channel, letter.status) == (LetterChannel.NOTIFY_POST, LetterStatus.SENT)
    assert letter.notify_id == NOTIFY_ID and letter.sent_at is not None
    (method, url, sent) = session.sent[-1]
    assert method == "POST" and url.endswith("/v2/notifications/letter")
    assert sent["reference"] == f"letter-{letter.pk}" and sent["postage"] == "second"
    pdf = base64.b64decode(sent["content"])
    assert pdf.startswith(b"%PDF") and b"Riverside" not in sent["reference"].encode()
    text = " ".join(PdfReader(io.BytesIO(pdf)).pages[0].extract_text().split())
    assert "Riverside Medical Practice 2 River Road Glasgow G1 1AA" in text
    event = AccessEvent.objects.get(
        object_type="casework.letter", object_id=str(letter.pk), action="export"
    )
    assert "posted by GOV.UK Notify" in event.detail and NOTIFY_ID in event.detail
    page = web.get(reverse("casework:episode", args=[episode.pk])).content.decode()
    assert "First-contact acknowledgement to the GP: given to GOV.UK Notify to post" in page
    assert f"GOV.UK Notify id {NOTIFY_ID}." in page
    # Never twice: the task run again does nothing.
    assert send_letter(letter.pk) is False
    assert len([s for s in session.sent if s[2]["reference"] == f"letter-{letter.pk}"]) == 1


def test_the_postage_is_a_setting(notify, posted_to_gp, settings):
    session = notify(accepted())
    settings.VOCREHAB_NOTIFY_LETTER_POSTAGE = "first"
    episode = posted_to_gp()
    record_first_contact_date(episode, on=TODAY)
    assert send_letter(_gp(episode).pk) is True
    assert session.sent[-1][2]["postage"] == "first"


def test_notify_refusing_the_letter_leaves_it_on_the_print_list_saying_why(
    notify, posted_to_gp, signed_in
):
    session = notify(refused(400, "Cannot send letters when service is in trial mode"))
    episode = posted_to_gp()
    record_first_contact_date(episode, on=TODAY)
    letter = _gp(episode)
    assert send_letter(letter.pk) is False
    letter.refresh_from_db()
    assert (letter.channel, letter.status) == (LetterChannel.PRINT, LetterStatus.DRAFTED)
    assert letter.notify_id == ""
    assert letter.reason == (
        "GOV.UK Notify did not take the letter (400: Cannot send letters when service is in "
        "trial mode). Print and post it, and ask your administrator to check the GOV.UK "
        "Notify settings."
    )
    assert len(session.sent) == 1  # a refusal is not tried again
    assert not AccessEvent.objects.filter(object_type="casework.letter", action="export")
    web, _assistant = signed_in(Role.ADMIN_ASSISTANT)
    page = web.get(reverse("casework:letters_to_print")).content.decode()
    assert "1 letter waiting" in page and "Cannot send letters when service is in trial" in page
    r = web.post(reverse("casework:letter_posted", args=[letter.pk]))
    assert r.status_code == 302
    assert Letter.objects.get(pk=letter.pk).status == LetterStatus.PRINTED


@pytest.mark.parametrize(
    "answer",
    [
        refused(403, "Invalid token: API key not found", "AuthError"),
        refused(400, "Letter content is not a valid PDF", "ValidationError"),
    ],
)
def test_each_refusal_is_named(notify, posted_to_gp, answer):
    notify(answer)
    episode = posted_to_gp()
    record_first_contact_date(episode, on=TODAY)
    send_letter(_gp(episode).pk)
    letter = _gp(episode)
    assert letter.channel == LetterChannel.PRINT
    assert answer[1]["errors"][0]["message"] in letter.reason


def test_notify_busy_is_tried_again_then_the_letter_is_printed(
    notify, posted_to_gp, settings, django_capture_on_commit_callbacks
):
    from django_tasks.backends.database.models import DBTaskResult

    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.database.DatabaseBackend"}}
    session = notify(refused(503, "Service is unavailable", "Exception"))
    episode = posted_to_gp()
    with django_capture_on_commit_callbacks(execute=True):
        record_first_contact_date(episode, on=TODAY)
    letter = _gp(episode)
    with django_capture_on_commit_callbacks(execute=True):  # the retry is queued on commit
        assert send_letter(letter.pk, attempt=1) is False
    letter.refresh_from_db()
    assert (letter.channel, letter.status, letter.attempts) == (
        LetterChannel.NOTIFY_POST,
        LetterStatus.DRAFTED,
        1,
    )
    queued = DBTaskResult.objects.filter(task_path__endswith="send_letter_task")
    assert {"letter_id": letter.pk, "attempt": 2} in [t.args_kwargs["kwargs"] for t in queued]
    assert send_letter(letter.pk, attempt=5) is False
    letter.refresh_from_db()
    assert letter.channel == LetterChannel.PRINT
    assert letter.reason.startswith("GOV.UK Notify could not be reached after 5 tries (503")
    assert len(session.sent) == 2


def test_an_unreachable_notify_is_tried_again(notify, posted_to_gp, settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.database.DatabaseBackend"}}
    notify(requests.ConnectionError("no route to host"))
    episode = posted_to_gp()
    record_first_contact_date(episode, on=TODAY)
    letter = _gp(episode)
    assert send_letter(letter.pk, attempt=1) is False
    letter.refresh_from_db()
    assert letter.channel == LetterChannel.NOTIFY_POST and letter.last_error == "ConnectionError"


def test_no_answer_in_time_is_not_sent_again_and_says_where_to_look(notify, posted_to_gp, settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.database.DatabaseBackend"}}
    session = notify(requests.ReadTimeout("read timed out"))
    episode = posted_to_gp()
    record_first_contact_date(episode, on=TODAY)
    letter = _gp(episode)
    assert send_letter(letter.pk, attempt=1) is False
    letter.refresh_from_db()
    assert letter.channel == LetterChannel.PRINT
    assert "may have taken the letter" in letter.reason
    assert f"reference letter-{letter.pk}" in letter.reason
    assert send_letter(letter.pk, attempt=2) is False  # on the print list: not sent again
    assert len(session.sent) == 1


def test_an_address_notify_could_not_post_to_goes_to_the_print_list_at_once(notify, posted_to_gp):
    session = notify(accepted())
    episode = posted_to_gp(gp_address="2 River Road\nGlasgow")  # no postcode
    record_first_contact_date(episode, on=TODAY)
    letter = _gp(episode)
    assert (letter.channel, letter.status) == (LetterChannel.PRINT, LetterStatus.DRAFTED)
    assert letter.reason == (
        "Not posted by GOV.UK Notify: the address does not end with a UK postcode. Check the "
        "address, then print and post it."
    )
    assert not session.sent


def test_a_referrer_without_email_or_postal_address_is_printed(notify, make_episode, service):
    notify(accepted())
    episode = make_episode(
        service, referrer_name="Nurse Jones", referrer_organisation="NHS GGC", consent_to_share=True
    )
    record_first_contact_date(episode, on=TODAY)
    letter = Letter.objects.get(episode=episode, recipient_kind="referrer")
    assert letter.channel == LetterChannel.PRINT
    assert "needs at least a street or building and a postcode" in letter.reason


def test_without_a_notify_key_letters_are_printed_whatever_the_service_chose(
    notify, posted_to_gp, settings
):
    notify(accepted())
    settings.NOTIFY_API_KEY = ""
    episode = posted_to_gp()
    record_first_contact_date(episode, on=TODAY)
    assert _gp(episode).channel == LetterChannel.PRINT and _gp(episode).reason == ""


def _text_positions(pdf: bytes) -> list[tuple[str, float, float]]:
    """Each piece of text on the first page: (text, mm from the left, mm from the top)."""
    page = PdfReader(io.BytesIO(pdf)).pages[0]
    height = float(page.mediabox.height)
    found = []

    def visit(text, cm, tm, font, size):
        if text.strip():
            x = tm[4] * cm[0] + tm[5] * cm[2] + cm[4]
            y = tm[4] * cm[1] + tm[5] * cm[3] + cm[5]
            found.append((text.strip(), x / MM, (height - y) / MM))

    page.extract_text(visitor_text=visit)
    return found


def test_the_pdf_keeps_to_notifys_printable_areas(posted_to_gp, make_staff, service):
    from vocrehab.casework.letters import letter_pdf_bytes

    service.phone, service.email = "0141 496 0000", "vr@example.org"
    service.save()
    episode = posted_to_gp(make_staff(Role.CASE_MANAGER, service))
    record_first_contact_date(episode, on=TODAY - datetime.timedelta(days=1))
    found = _text_positions(letter_pdf_bytes(_gp(episode)))
    address = {"Riverside Medical Practice", "2 River Road", "Glasgow", "G1 1AA"}
    assert address <= {text for text, _x, _y in found}
    for text, x, y in found:
        assert 14.9 <= x <= 195 and 5 <= y <= 292, text
        if text in address:  # the address block, for the envelope's window
            assert 24.5 <= x <= 120 and 39.5 <= y <= 66.3, text
        elif y < 95:  # above the letter: only the service's details and date, on the right
            assert x >= 125, text
