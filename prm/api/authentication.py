from django.utils.translation import gettext as _
from rest_framework import authentication
from rest_framework.exceptions import AuthenticationFailed


class TokenAuthentication(authentication.TokenAuthentication):
    """DRF's token authentication (`Authorization: Token <key>`) for integration clients.

    A key that no token can have (longer than the column, or with a NUL byte, which PostgreSQL
    refuses in a query: a 500) is answered like any unknown key.
    """

    def authenticate_credentials(self, key):
        if len(key) > 40 or "\x00" in key:
            raise AuthenticationFailed(_("Invalid token."))
        return super().authenticate_credentials(key)
