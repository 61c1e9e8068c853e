from allauth.account.adapter import DefaultAccountAdapter

from .middleware import user_has_mfa


class StaffAccountAdapter(DefaultAccountAdapter):
    """Staff accounts are created by administrators; nobody signs themselves up."""

    def is_open_for_signup(self, request):
        return False

    def is_reauthentication_required(self, *, app: str, **kwargs) -> bool:
        # Enrolling the first authenticator straight after signing in needs no second
        # password prompt; changing or removing an existing factor still does.
        if app == "allauth.mfa":
            user = getattr(getattr(self, "request", None), "user", None)
            if user is not None and user.is_authenticated and not user_has_mfa(user):
                return False
        return super().is_reauthentication_required(app=app, **kwargs)
