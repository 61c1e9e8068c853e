"""How the OpenAPI description tells the two ways of signing in, and each operation's scope.

A person uses the staff session (cookie, with the CSRF token on writes); a program sends
``Authorization: Bearer <token>``. An operation that declares no ``required_scope`` is
refused to tokens, so its description offers the session only.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from drf_spectacular.openapi import AutoSchema

from vocrehab.accounts.tokens import required_scope


def _scope_of(auto_schema) -> str | None:
    return required_scope(auto_schema.view, auto_schema.method)


class BearerTokenScheme(OpenApiAuthenticationExtension):
    target_class = "vocrehab.accounts.tokens.TokenAuthentication"
    name = "apiToken"

    def get_security_requirement(self, auto_schema):
        # OpenAPI 3.0 lists scopes only for OAuth; the scope is in x-token-scope instead.
        return {self.name: []} if _scope_of(auto_schema) else None

    def get_security_definition(self, auto_schema):
        return {
            "type": "http",
            "scheme": "bearer",
            "bearerFormat": "vrt_<prefix>_<secret>",
            "description": str(
                _(
                    "An API token made on the API tokens page. It acts as its owner, only "
                    "in its services, and only for operations whose x-token-scope it holds."
                )
            ),
        }


class ScopedAutoSchema(AutoSchema):
    """drf-spectacular's schema, with the token scope each operation needs."""

    def get_operation(self, *args, **kwargs):
        operation = super().get_operation(*args, **kwargs)
        if operation is None:
            return None
        scope = _scope_of(self)
        if scope:
            operation["x-token-scope"] = scope
        note = (
            _("With a token: needs the scope `%s`.") % scope
            if scope
            else _("Not open to tokens: signed-in staff only.")
        )
        operation["description"] = f"{operation.get('description', '')}\n\n{note}".strip()
        return operation
