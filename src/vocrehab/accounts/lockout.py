def login_name(request, credentials):
    """The name django-axes counts failures against: the email typed at sign-in."""
    credentials = credentials or {}
    name = credentials.get("email") or credentials.get("username") or credentials.get("login")
    if not name and request is not None:
        name = request.POST.get("login", "")
    return (name or "").strip().lower()
