"""Read side of the allocation model: the grid from the prepared counts (a small table, fast at
100,000 partners), the partners of a segment, and the budget split."""
from __future__ import annotations

import datetime
from decimal import Decimal

from django.db.models import Max, QuerySet, Sum

from . import measures as registry
from .budget import split_budget
from .choices import Axis
from .grid import Grid
from .models import AllocationSettings, AllocationWeight, MeasureValue, PartnerAllocation, SegmentCount


def _filtered_counts(*, city=(), partner_type=(), tier=()) -> QuerySet:
    counts = SegmentCount.objects.all()
    if city:
        counts = counts.filter(city__code__in=list(city))
    if partner_type:
        counts = counts.filter(partner_type__code__in=list(partner_type))
    if tier:
        counts = counts.filter(tier__in=list(tier))
    return counts


def latest_count_day() -> datetime.date | None:
    return SegmentCount.objects.aggregate(d=Max("as_of"))["d"]


def segment_counts(*, as_of: datetime.date | None = None, city=(), partner_type=(), tier=()) -> dict[int, int]:
    day = as_of or latest_count_day()
    if day is None:
        return {}
    rows = (
        _filtered_counts(city=city, partner_type=partner_type, tier=tier)
        .filter(as_of=day).values("segment").annotate(n=Sum("partners")).order_by()
    )
    return {row["segment"]: row["n"] for row in rows}


def allocation_grid(*, city=(), partner_type=(), tier=()) -> dict:
    """The grid's cells with their counts, the priority, and the monthly history per segment."""
    settings = AllocationSettings.load()
    grid = Grid.from_settings(settings)
    day = latest_count_day()
    counts = segment_counts(as_of=day, city=city, partner_type=partner_type, tier=tier)
    rank = {segment: index + 1 for index, segment in enumerate(settings.priority)}
    share = {segment: settings.rank_shares[index] for index, segment in enumerate(settings.priority)}
    cells = []
    for cell in grid.cells():
        segment = cell["segment"]
        cells.append({**cell, "partners": counts.get(segment, 0), "priority": rank.get(segment),
                      "share": share.get(segment, 0)})
    history_rows = (
        _filtered_counts(city=city, partner_type=partner_type, tier=tier)
        .values("as_of", "segment").annotate(n=Sum("partners")).order_by("as_of", "segment")
    )
    history: dict[datetime.date, dict[int, int]] = {}
    for row in history_rows:
        history.setdefault(row["as_of"], {})[row["segment"]] = row["n"]
    return {
        "as_of": day,
        "total": sum(counts.values()),
        "rows": len(grid.attractiveness_bounds) + 1,
        "columns": len(grid.fit_bounds) + 1,
        "attractiveness_bounds": list(grid.attractiveness_bounds),
        "fit_bounds": list(grid.fit_bounds),
        "priority": list(settings.priority),
        "cells": cells,
        "history": [
            {"as_of": d, "segments": [{"segment": s, "partners": n} for s, n in sorted(by_segment.items())]}
            for d, by_segment in sorted(history.items())
        ],
    }


def allocation_partners(*, user, segment: int | None = None) -> QuerySet:
    rows = PartnerAllocation.objects.visible_to(user).select_related("partner", "city", "partner_type")
    if segment is not None:
        rows = rows.filter(segment=segment)
    return rows


def allocation_budget(*, market_funds: Decimal, training_seats: int, city=(), partner_type=(), tier=()) -> dict:
    settings = AllocationSettings.load()
    counts = segment_counts(city=city, partner_type=partner_type, tier=tier)
    result = split_budget(
        market_funds=market_funds, training_seats=training_seats, priority=list(settings.priority),
        rank_shares=list(settings.rank_shares), partners_by_segment=counts,
    )
    result["as_of"] = latest_count_day()
    return result


def weights_table() -> list[dict]:
    """Every registered measure with its weight on each axis (0 when not weighted)."""
    weights = {(w.axis, w.measure): w.weight for w in AllocationWeight.objects.all()}
    return [
        {
            "measure": m.key,
            "label": str(m.label),
            "description": " ".join(str(m.description or "").split()),
            "missing": m.missing,
            "attractiveness": weights.get((Axis.ATTRACTIVENESS, m.key), 0),
            "fit": weights.get((Axis.FIT, m.key), 0),
        }
        for m in registry.registered_measures()
    ]


def partner_measures(*, partner_id: int) -> list[dict]:
    """One partner's stored measure values, in the registry's order (missing: the default score)."""
    stored = dict(MeasureValue.objects.filter(partner_id=partner_id).values_list("measure", "score"))
    return [
        {"measure": m.key, "label": str(m.label), "score": stored.get(m.key, m.missing)}
        for m in registry.registered_measures()
    ]
