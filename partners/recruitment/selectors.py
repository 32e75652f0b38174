"""Reads of the recruitment funnel: the dashboard's figures come from the small FunnelCell
table the nightly job prepares, never from a live query over all partners."""
from __future__ import annotations

import datetime
from collections import defaultdict
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Count, Q, Sum

from partners.models import CityBranch, PartnerType

from .choices import ProspectStatus
from .funnel import latest_as_of
from .models import FunnelCell, Prospect

COUNTS = (
    "prospects", "applied", "applied_from_prospect", "registered", "registered_from_applied", "first_sale",
    "recruited", "recruited_first_sale", "lost",
)
MOVES = (
    # (key, numerator, denominator, days-sum, days-median)
    ("prospect_to_applied", "applied_from_prospect", "prospects", "days_to_apply_sum", "days_to_apply_median"),
    ("applied_to_registered", "registered_from_applied", "applied", "days_to_register_sum", "days_to_register_median"),
    ("registered_to_first_sale", "first_sale", "registered", "days_to_sale_sum", "days_to_sale_median"),
)


def rate(numerator: int, denominator: int) -> Decimal | None:
    """numerator / denominator as a ratio 0–1 with four decimals; None when nobody entered."""
    if not denominator:
        return None
    return (Decimal(numerator) / Decimal(denominator)).quantize(Decimal("0.0001"), rounding=ROUND_HALF_UP)


def mean_days(total: int, count: int) -> Decimal | None:
    if not count:
        return None
    return (Decimal(total) / Decimal(count)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def weighted_median(pairs: list[tuple[float, int]]) -> Decimal | None:
    """The median of the cells' medians, each weighing as many subjects as it holds.

    Exact for a single cell; for several it approximates the median of all their subjects
    (the nightly table keeps medians per cell, not every subject's days)."""
    pairs = sorted((m, n) for m, n in pairs if m is not None and n)
    total = sum(n for _m, n in pairs)
    if not total:
        return None
    seen = 0
    for median, n in pairs:
        seen += n
        if seen * 2 >= total:
            return Decimal(str(median)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)
    return None


SUMS = (*COUNTS, *(m[3] for m in MOVES))


def summarise(sums: dict, medians: dict[str, list[tuple[float, int]]]) -> dict:
    """Counts, conversion rates and days per step of a group of cells (see funnel_report).

    `sums`: each count and day sum over the group's cells; `medians`: per move, the cells'
    (median, subjects) pairs."""
    counts = {key: int(sums.get(key) or 0) for key in COUNTS}
    moves = {}
    for key, numerator, denominator, days_sum, _days_median in MOVES:
        moves[key] = {
            "entered": counts[denominator],
            "reached": counts[numerator],
            "rate": rate(counts[numerator], counts[denominator]),
            "mean_days": mean_days(int(sums.get(days_sum) or 0), counts[numerator]),
            "median_days": weighted_median(medians.get(key, [])),
        }
    return {
        "counts": counts,
        "moves": moves,
        "overall_rate": rate(counts["recruited_first_sale"], counts["recruited"]),
    }


def _grouped(cells, field: str | None) -> tuple[dict, dict, dict, dict]:
    """The total's and (with `field`) each group's sums and median pairs, in two reads of the
    cells: one GROUP BY for the sums (the total adds the groups' sums), one narrow read of every
    cell that reached a step for the medians of all three moves, total and groups alike.

    Returns (total sums, total medians, sums per group, medians per group)."""
    aggregates = {key: Sum(key) for key in SUMS}
    if field:
        sums = {row[field]: row for row in cells.order_by().values(field).annotate(**aggregates)}
        total = {key: sum(row[key] or 0 for row in sums.values()) for key in SUMS}
    else:
        sums, total = {}, cells.aggregate(**aggregates)
    reached = Q()
    for _key, numerator, _d, _s, _median in MOVES:
        reached |= Q(**{f"{numerator}__gt": 0})
    columns = [column for _key, numerator, _d, _s, median in MOVES for column in (median, numerator)]
    total_medians: dict = defaultdict(list)
    medians: dict = defaultdict(lambda: defaultdict(list))
    for row in cells.filter(reached).values_list(*([field] if field else []), *columns):
        group, values = (row[0], row[1:]) if field else (None, row)
        for index, (key, *_rest) in enumerate(MOVES):
            median, subjects = values[2 * index], values[2 * index + 1]
            if median is not None and subjects:
                total_medians[key].append((median, subjects))
                if field:
                    medians[group][key].append((median, subjects))
    return total, total_medians, sums, medians


def funnel_report(
    *,
    by: str | None = None,
    date_from: datetime.date | None = None,
    date_to: datetime.date | None = None,
    city: list[str] | None = None,
    partner_type: list[str] | None = None,
) -> dict:
    """The funnel for the cohorts that entered between date_from and date_to (by month),
    as of the latest nightly run: a total and, with `by` ("type" or "city"), one row per group.
    Reads only the prepared cells, aggregated in the database."""
    as_of = latest_as_of()
    cells = FunnelCell.objects.filter(as_of=as_of) if as_of else FunnelCell.objects.none()
    if date_from:
        cells = cells.filter(cohort_month__gte=date_from.replace(day=1))
    if date_to:
        cells = cells.filter(cohort_month__lte=date_to)
    if city:
        cells = cells.filter(city__code__in=city)
    if partner_type:
        cells = cells.filter(partner_type__code__in=partner_type)
    model, field = {"type": (PartnerType, "partner_type_id"), "city": (CityBranch, "city_id")}.get(by, (None, None))
    total_sums, total_medians, sums, medians = _grouped(cells, field)
    groups = []
    if field:
        for ref in model.objects.filter(pk__in=list(sums)):
            groups.append({"key": ref.code, "label": ref.label, **summarise(sums[ref.pk], medians[ref.pk])})
        groups.sort(key=lambda g: (-g["counts"]["recruited"] - g["counts"]["registered"], g["key"]))
    return {
        "as_of": as_of,
        "date_from": date_from,
        "date_to": date_to,
        "by": by or "",
        "total": {"key": "", "label": "", **summarise(total_sums, total_medians)},
        "groups": groups,
    }


def queue_counts(queryset) -> dict:
    """How many prospects are in each status (for the queue's tabs)."""
    counts = dict(queryset.order_by().values_list("status").annotate(n=Count("id")))
    return {status: counts.get(status, 0) for status in ProspectStatus.values}


def prospects_for_list(user):
    return Prospect.objects.visible_to(user).select_related("partner_type", "city", "owner", "partner")
