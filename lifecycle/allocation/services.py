"""Changes to the allocation model. Every edit is validated, logged (AllocationChange) and
re-derives the partners' scores and segments at once (set-based UPDATEs over the prepared
measure values, then the counts of the latest day), so the page shows the edit straight away."""
from __future__ import annotations

import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max, Min
from django.utils.translation import gettext as _

from partners.models import CityBranch, User

from . import engine
from . import measures as registry
from .choices import Axis
from .grid import Grid, validate_grid
from .models import AllocationChange, AllocationSettings, AllocationWeight, CityMarketPotential, PartnerAllocation

GRID_FIELDS = ("attractiveness_bounds", "fit_bounds", "segments", "priority", "rank_shares")


def allocation_rederive(*, scores: bool = True) -> int:
    """Place every placed partner again from the stored measure values (`scores`: the weights
    changed) or from its stored scores (only the grid changed); then the latest day's counts.
    Set-based: one UPDATE over all rows, one GROUP BY. Returns the partners updated."""
    bounds = PartnerAllocation.objects.aggregate(lo=Min("partner_id"), hi=Max("partner_id"), day=Max("as_of"))
    if bounds["lo"] is None:
        return 0
    grid = Grid.from_settings(AllocationSettings.load())
    if scores:
        updated = engine.derive_scores(lo=bounds["lo"], hi=bounds["hi"], weights=engine.effective_weights(), grid=grid)
    else:
        updated = engine.derive_segments(lo=bounds["lo"], hi=bounds["hi"], grid=grid)
    engine.rebuild_counts(as_of=engine.latest_day() or bounds["day"])
    return updated


def _grid_state(settings: AllocationSettings) -> dict:
    return {name: getattr(settings, name) for name in GRID_FIELDS}


@transaction.atomic
def allocation_settings_update(*, by: User, **fields: Any) -> AllocationSettings:
    """Change the grid, priority, shares or measure parameters. A grid change re-places every
    partner at once; the measures' parameters (tier points, …) count from the next nightly run."""
    settings = AllocationSettings.objects.select_for_update().get_or_create(pk=1)[0]
    before = {f.name: getattr(settings, f.attname) for f in settings._meta.concrete_fields if f.name not in ("id", "updated_at", "updated_by")}
    for name, value in fields.items():
        setattr(settings, name, value)
    errors = validate_grid(**_grid_state(settings))
    if errors:
        raise ValidationError(errors)
    settings.updated_by = by
    settings.full_clean()
    settings.save()
    after = {name: getattr(settings, name) for name in before}
    changed = {name for name in before if before[name] != after[name]}
    if changed:
        AllocationChange.objects.create(
            what="settings", changed_by=by,
            before={k: before[k] for k in sorted(changed)}, after={k: after[k] for k in sorted(changed)},
        )
        if changed & set(GRID_FIELDS):
            allocation_rederive(scores=False)  # measure parameters count from the next run
    return settings


@transaction.atomic
def allocation_weights_replace(*, by: User, weights: list[dict]) -> list[AllocationWeight]:
    """Replace every weight: rows {axis, measure, weight ≥ 0}; each axis needs a positive total
    over registered measures."""
    errors: list[str] = []
    seen = set()
    totals = {Axis.ATTRACTIVENESS: 0, Axis.FIT: 0}
    for row in weights:
        key = (row["axis"], row["measure"])
        if row["axis"] not in Axis.values:
            errors.append(_("Unknown axis %(axis)s.") % {"axis": row["axis"]})
            continue
        if registry.get_measure(row["measure"]) is None:
            errors.append(_("Unknown measure %(measure)s.") % {"measure": row["measure"]})
            continue
        if key in seen:
            errors.append(_("The measure %(measure)s is weighted twice on one axis.") % {"measure": row["measure"]})
        if row["weight"] < 0:
            errors.append(_("Weights are 0 or more."))
        seen.add(key)
        totals[row["axis"]] += max(row["weight"], 0)
    for axis, total in totals.items():
        if total <= 0 and not errors:
            errors.append(_("Give at least one measure a weight above 0 on %(axis)s.") % {"axis": Axis(axis).label})
    if errors:
        raise ValidationError({"weights": errors})
    before = list(AllocationWeight.objects.order_by("axis", "measure").values("axis", "measure", "weight"))
    AllocationWeight.objects.all().delete()
    created = AllocationWeight.objects.bulk_create(
        AllocationWeight(axis=row["axis"], measure=row["measure"], weight=row["weight"]) for row in weights
    )
    after = sorted(({"axis": r["axis"], "measure": r["measure"], "weight": r["weight"]} for r in weights),
                   key=lambda r: (r["axis"], r["measure"]))
    if before != after:
        AllocationChange.objects.create(what="weights", changed_by=by, before={"weights": before}, after={"weights": after})
        allocation_rederive()
    return created


@transaction.atomic
def market_potential_update(*, by: User, scores: dict[str, int]) -> int:
    """Set the market potential (0–100) of city branches by code. Takes effect with the next
    nightly run (the measure values are facts of that run)."""
    cities = {c.code: c for c in CityBranch.objects.filter(code__in=list(scores))}
    unknown = sorted(set(scores) - set(cities))
    if unknown:
        raise ValidationError({"scores": [_("Unknown city branch: %(codes)s.") % {"codes": ", ".join(unknown)}]})
    bad = sorted(code for code, score in scores.items() if not isinstance(score, int) or isinstance(score, bool) or not 0 <= score <= 100)
    if bad:
        raise ValidationError({"scores": [_("Market potential is a whole number from 0 to 100 (%(codes)s).") % {"codes": ", ".join(bad)}]})
    before = dict(CityMarketPotential.objects.filter(city__code__in=list(scores)).values_list("city__code", "score"))
    for code, score in scores.items():
        CityMarketPotential.objects.update_or_create(city=cities[code], defaults={"score": score})
    AllocationChange.objects.create(what="market_potential", changed_by=by, before=before, after=dict(scores))
    return len(scores)


def allocation_run_now(*, as_of: datetime.date | None = None, chunk_size: int | None = None) -> engine.RunResult:
    """Run the job for a day (default yesterday) in this process."""
    return engine.allocation_run(as_of=as_of or engine.default_as_of(), chunk_size=chunk_size)
