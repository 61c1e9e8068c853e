from allauth.account.adapter import DefaultAccountAdapter
from django.contrib.sites.shortcuts import get_current_site

from .mail import queue_staff_email
from .middleware import user_has_mfa


class StaffAccountAdapter(DefaultAccountAdapter):
    """Staff accounts are created by administrators; nobody signs themselves up."""

    def is_open_for_signup(self, request):
        return False

    def pre_login(self, request, user, **kwargs):
        # A system account is a program's: it acts only through API tokens, never signs in.
        if getattr(user, "is_system_account", False):
            return self.respond_user_inactive(request, user)
        return super().pre_login(request, user, **kwargs)

    def is_reauthentication_required(self, *, app: str, **kwargs) -> bool:
        # Enrolling the first authenticator straight after signing in needs no second
        # password prompt; changing or removing an existing factor still does.
        if app == "allauth.mfa":
            user = getattr(getattr(self, "request", None), "user", None)
            if user is not None and user.is_authenticated and not user_has_mfa(user):
                return False
        return super().is_reauthentication_required(app=app, **kwargs)

    def send_password_reset_mail(self, user, email, context) -> None:
        # Queued, not sent in the request: a mail server that is down must neither give
        # an error nor answer differently (or more slowly) for a real account than for
        # an unknown address. The worker sends it and retries (accounts/mail.py).
        request = getattr(self, "request", None)
        context = {"request": request, "email": email, **context}
        if request is not None:
            context.setdefault("current_site", get_current_site(request))
        message = self.render_mail("account/email/password_reset_key", email, context)
        queue_staff_email(message, user_id=user.pk, purpose="password reset")
