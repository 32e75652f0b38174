"""Every error the API gives is a 4xx with a message per field, never a 500 for bad input."""
import logging

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import IntegrityError
from django.db.models import ProtectedError, RestrictedError
from django.utils.translation import gettext as _
from rest_framework import status
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response
from rest_framework.serializers import as_serializer_error
from rest_framework.views import exception_handler as drf_exception_handler

logger = logging.getLogger(__name__)


def exception_handler(exc, context):
    if isinstance(exc, DjangoValidationError):
        exc = ValidationError(as_serializer_error(exc))
    if isinstance(exc, (ProtectedError, RestrictedError)):
        return Response(
            {"detail": _("This record is still referenced by other records and cannot be deleted.")},
            status=status.HTTP_409_CONFLICT,
        )
    if isinstance(exc, IntegrityError):
        logger.warning("integrity error answered as 409: %s", exc)
        return Response(
            {"detail": _("The change conflicts with existing data (a duplicate or a missing reference).")},
            status=status.HTTP_409_CONFLICT,
        )
    return drf_exception_handler(exc, context)
