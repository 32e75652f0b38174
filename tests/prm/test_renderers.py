"""The orjson renderer writes exactly what DRF's own JSON renderer writes."""
import datetime
import uuid
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.utils.translation import gettext_lazy
from rest_framework.exceptions import ErrorDetail
from rest_framework.renderers import JSONRenderer as DRFJSONRenderer
from rest_framework.utils.serializer_helpers import ReturnDict

from prm.api.renderers import JSONRenderer

SHANGHAI = ZoneInfo("Asia/Shanghai")


def test_same_bytes_as_drf_for_every_type_the_api_emits():
    data = ReturnDict(
        {
            "text": "成都甲公司",
            "lazy": gettext_lazy("Partner"),
            "error": [ErrorDetail("This field is required.", code="required")],
            "int": 12,
            "big": 2**62,
            "float": 0.25,
            "decimal": Decimal("1200.50"),
            "date": datetime.date(2026, 11, 29),
            "aware": datetime.datetime(2026, 11, 29, 9, 30, 15, 123456, tzinfo=SHANGHAI),
            "utc": datetime.datetime(2026, 11, 29, 1, 30, tzinfo=datetime.timezone.utc),
            "time": datetime.time(13, 30),
            "uuid": uuid.UUID("12345678-1234-5678-1234-567812345678"),
            "nested": {"list": [1, None, True, {"k": "v"}], 3: "int key"},
        },
        serializer=None,
    )
    assert JSONRenderer().render(data) == DRFJSONRenderer().render(data)


def test_empty_body_and_indented_rendering_follow_drf():
    assert JSONRenderer().render(None) == b""
    indented = JSONRenderer().render({"a": 1}, "application/json; indent=2", {})
    assert indented == DRFJSONRenderer().render({"a": 1}, "application/json; indent=2", {})
