"""CSV exports, streamed row by row (a cell can hold tens of thousands of partners)."""
from __future__ import annotations

import csv
from typing import Iterable, Iterator

from django.http import StreamingHttpResponse
from django.utils.translation import gettext as _

from .budget import equal_parts, yuan


class _Echo:
    def write(self, value):
        return value


def _safe(value):
    """Keep spreadsheet programs from reading a text cell as a formula."""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return value


def csv_response(rows: Iterable[list], filename: str) -> StreamingHttpResponse:
    writer = csv.writer(_Echo())

    def stream() -> Iterator[str]:
        yield "\ufeff"  # a byte-order mark, so spreadsheet programs read the Chinese names right
        for row in rows:
            yield writer.writerow([_safe(value) for value in row])

    response = StreamingHttpResponse(stream(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


PARTNER_COLUMNS = ("partner__code", "partner__name", "city__code", "partner_type__code", "tier",
                   "attractiveness", "fit", "segment")


def partner_rows(queryset) -> Iterator[list]:
    yield [_("Partner code"), _("Partner name"), _("City branch"), _("Partner type"), _("Certification tier"),
           _("Intrinsic attractiveness"), _("Capability fit"), _("Segment")]
    for row in queryset.order_by("segment", "-attractiveness", "-fit", "partner_id").values_list(*PARTNER_COLUMNS).iterator(chunk_size=2000):
        yield list(row)


def budget_rows(result: dict) -> Iterator[list]:
    yield [_("Segment"), _("Priority"), _("Share (%)"), _("Partners"), _("Market funds (CNY)"), _("Training seats"),
           _("Market funds per partner (CNY)"), _("Training seats per partner")]
    for row in result["segments"]:
        yield [row["segment"], row["rank"], row["share"], row["partners"], row["market_funds"], row["training_seats"],
               row["market_funds_per_partner"] if row["market_funds_per_partner"] is not None else "",
               row["training_seats_per_partner"] if row["training_seats_per_partner"] is not None else ""]
    yield [_("Total"), "", "", "", result["allocated_market_funds"], result["allocated_training_seats"], "", ""]
    yield [_("Unallocated"), "", "", "", result["unallocated_market_funds"], result["unallocated_training_seats"], "", ""]


def budget_partner_rows(result: dict, queryset) -> Iterator[list]:
    """Each partner of a funded segment with its equal part; the extra fen and seats go to the
    first partners in the segment (higher attractiveness, then fit, then lower id)."""
    yield [_("Partner code"), _("Partner name"), _("City branch"), _("Segment"), _("Intrinsic attractiveness"),
           _("Capability fit"), _("Market funds (CNY)"), _("Training seats")]
    for seg in result["segments"]:
        if not seg["partners"] or (not seg["market_funds"] and not seg["training_seats"]):
            continue
        fen_total = int(seg["market_funds"] * 100)
        fen_base, fen_extra = equal_parts(fen_total, seg["partners"])
        seat_base, seat_extra = equal_parts(seg["training_seats"], seg["partners"])
        rows = (
            queryset.filter(segment=seg["segment"])
            .order_by("-attractiveness", "-fit", "partner_id")
            .values_list("partner__code", "partner__name", "city__code", "segment", "attractiveness", "fit")
            .iterator(chunk_size=2000)
        )
        for index, row in enumerate(rows):
            if index >= seg["partners"]:
                break  # the counts were prepared by the job: never hand out more than was split
            yield [*row, yuan(fen_base + (1 if index < fen_extra else 0)), seat_base + (1 if index < seat_extra else 0)]
