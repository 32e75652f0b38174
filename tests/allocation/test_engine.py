"""The nightly job: weights arithmetic, the measure registry, idempotence, chunking, history."""
import datetime

import pytest

from lifecycle.allocation import engine, measures as registry
from lifecycle.allocation.models import AllocationWeight, MeasureValue, PartnerAllocation, SegmentCount
from lifecycle.allocation.services import allocation_rederive
from partners.choices import PartnerStatus, Tier
from tests import factories as f

from .helpers import fixed_measure

AS_OF = datetime.date(2026, 11, 28)


def set_weights(*rows):
    AllocationWeight.objects.all().delete()
    AllocationWeight.objects.bulk_create(AllocationWeight(axis=a, measure=m, weight=w) for a, m, w in rows)


def python_axis(weights, scores, missing):
    num = sum(w * scores.get(m, missing.get(m, 0)) for m, w in weights)
    den = sum(w for _m, w in weights)
    return (2 * num + den) // (2 * den)


def placed():
    return {p.partner_id: (p.attractiveness, p.fit, p.segment) for p in PartnerAllocation.objects.all()}


@pytest.mark.django_db
def test_weighted_mean_rounds_half_up_and_missing_rows_count_zero(measures_only):
    p1, p2, p3 = f.PartnerFactory(), f.PartnerFactory(), f.PartnerFactory()
    measures_only(
        fixed_measure("m1", {p1.pk: 80, p2.pk: 51, p3.pk: 0}),
        fixed_measure("m2", {p1.pk: 30, p2.pk: 50}),  # p3 has no row: 0
        fixed_measure("m3", {p1.pk: 100}, missing=100),  # no row: 100
    )
    set_weights(("attractiveness", "m1", 3), ("attractiveness", "m2", 1), ("fit", "m3", 2), ("fit", "m1", 1))
    engine.allocation_run(as_of=AS_OF)
    rows = placed()
    # p1: (3·80 + 30)/4 = 67.5 → 68; fit (2·100 + 80)/3 = 93.3 → 93
    assert rows[p1.pk][:2] == (68, 93)
    # p2: (3·51 + 50)/4 = 50.75 → 51; fit (2·100 + 51)/3 = 83.67 → 84
    assert rows[p2.pk][:2] == (51, 84)
    # p3: 0; fit (2·100 + 0)/3 = 66.67 → 67
    assert rows[p3.pk][:2] == (0, 67)
    for p in (p1, p2, p3):
        a, fit, segment = rows[p.pk]
        assert segment == engine.Grid.from_settings(engine.AllocationSettings.load()).segment(a, fit)


@pytest.mark.django_db
def test_a_registered_measure_is_used_and_unregistered_weights_are_left_out(measures_only):
    p = f.PartnerFactory()
    measures_only(fixed_measure("only", {p.pk: 40}))
    set_weights(("attractiveness", "only", 1), ("attractiveness", "not_registered", 99), ("fit", "only", 1))
    engine.allocation_run(as_of=AS_OF)
    assert placed()[p.pk][:2] == (40, 40)
    assert MeasureValue.objects.get(partner=p, measure="only").score == 40


@pytest.mark.django_db
def test_scores_are_clamped_and_rounded(measures_only):
    p1, p2 = f.PartnerFactory(), f.PartnerFactory()

    def wild(ctx):
        from django.db.models import Case, F, FloatField, Value, When
        from partners.models import Partner

        return (Partner.objects.filter(ctx.partner_range("id"))
                .annotate(partner_id=F("id"), score=Case(When(id=p1.pk, then=Value(150.0)), default=Value(-3.0), output_field=FloatField()))
                .values("partner_id", "score"))

    measures_only(registry.Measure(key="wild", label="wild", query=wild))
    set_weights(("attractiveness", "wild", 1), ("fit", "wild", 1))
    engine.allocation_run(as_of=AS_OF)
    assert MeasureValue.objects.get(partner=p1).score == 100
    assert MeasureValue.objects.get(partner=p2).score == 0


def test_a_measure_must_return_partner_id_and_score():
    def bad(ctx):
        from partners.models import Partner

        return Partner.objects.values("id")

    with pytest.raises(ValueError):
        registry.compile_measure(registry.Measure(key="bad", label="bad", query=bad),
                                 registry.MeasureContext(as_of=AS_OF, partner_lo=1, partner_hi=2), None)
    with pytest.raises(ValueError):
        registry.register_measure(registry.Measure(key="no spaces", label="x", query=bad))


@pytest.mark.django_db
def test_exited_partners_and_future_joiners_are_not_placed():
    active = f.PartnerFactory()
    f.PartnerFactory(status=PartnerStatus.EXITED)
    f.PartnerFactory(joined_on=AS_OF + datetime.timedelta(days=1))
    engine.allocation_run(as_of=AS_OF)
    assert set(placed()) == {active.pk}


def world(n=23):
    partners = [f.PartnerFactory(tier=[Tier.REGISTERED, Tier.CERTIFIED, Tier.GOLD][i % 3], city=f.city(["CD", "MY", "AB"][i % 3]))
                for i in range(n)]
    return partners


def state():
    return (
        sorted(MeasureValue.objects.values_list("partner_id", "measure", "score")),
        sorted(PartnerAllocation.objects.values_list("partner_id", "attractiveness", "fit", "segment")),
        sorted(SegmentCount.objects.values_list("as_of", "segment", "city_id", "partner_type_id", "tier", "partners")),
    )


@pytest.mark.django_db
def test_job_is_idempotent_and_chunking_equals_one_chunk():
    world()
    engine.allocation_run(as_of=AS_OF, chunk_size=1000)
    once = state()
    assert once[1] and once[0]
    engine.allocation_run(as_of=AS_OF, chunk_size=1000)
    assert state() == once
    engine.allocation_run(as_of=AS_OF, chunk_size=4)
    assert state() == once
    assert sum(n for *_rest, n in once[2]) == len(once[1])


@pytest.mark.django_db
def test_builtin_measures_score_tier_and_city():
    gold_cd = f.PartnerFactory(tier=Tier.GOLD, city=f.city("CD"))
    registered_ab = f.PartnerFactory(tier=Tier.REGISTERED, city=f.city("AB"))
    engine.allocation_run(as_of=AS_OF)
    scores = {(p, m): s for p, m, s in MeasureValue.objects.values_list("partner_id", "measure", "score")}
    assert scores[(gold_cd.pk, "market_potential")] == 100
    assert scores[(registered_ab.pk, "market_potential")] < scores[(gold_cd.pk, "market_potential")]
    # gold 100 · 60 % + no trained people → 60; registered 20 · 60 % → 12
    assert scores[(gold_cd.pk, "certification")] == 60
    assert scores[(registered_ab.pk, "certification")] == 12
    assert placed()[gold_cd.pk][0] > placed()[registered_ab.pk][0]


@pytest.mark.django_db
def test_counts_keep_month_ends_only():
    world(5)
    for day in (datetime.date(2026, 9, 30), datetime.date(2026, 10, 15), datetime.date(2026, 10, 31), AS_OF):
        engine.allocation_run(as_of=day)
    assert sorted(set(SegmentCount.objects.values_list("as_of", flat=True))) == [
        datetime.date(2026, 9, 30), datetime.date(2026, 10, 31), AS_OF]


@pytest.mark.django_db
def test_rederive_after_a_weight_change(measures_only):
    p = f.PartnerFactory()
    measures_only(fixed_measure("a", {p.pk: 90}), fixed_measure("b", {p.pk: 10}))
    set_weights(("attractiveness", "a", 1), ("fit", "b", 1))
    engine.allocation_run(as_of=AS_OF)
    assert placed()[p.pk] == (90, 10, 3)
    set_weights(("attractiveness", "b", 1), ("fit", "a", 1))
    allocation_rederive()
    assert placed()[p.pk] == (10, 90, 4)
    assert list(SegmentCount.objects.values_list("segment", "partners")) == [(4, 1)]


@pytest.mark.django_db
def test_trained_people_valid_on_the_day_count_in_certification():
    from loyalty.models import TrainedPerson

    p = f.PartnerFactory(tier=Tier.CERTIFIED)
    for n, (trained, until) in enumerate([
        (datetime.date(2025, 1, 1), None),
        (datetime.date(2025, 1, 1), datetime.date(2026, 12, 31)),
        (datetime.date(2025, 1, 1), datetime.date(2026, 11, 27)),  # expired the day before
        (datetime.date(2026, 11, 29), None),  # trained after the day
    ]):
        TrainedPerson.objects.create(partner=p, name=f"学员{n}", course="渠道培训", trained_on=trained, valid_until=until)
    engine.allocation_run(as_of=AS_OF)
    # certified 60 · 60 % + 2 of 5 trained people · 40 % = 36 + 16
    assert MeasureValue.objects.get(partner=p, measure="certification").score == 52


@pytest.mark.django_db
def test_reference_loader_is_idempotent_and_keeps_edits():
    from importlib import import_module

    from django.apps import apps

    from lifecycle.allocation.models import CityMarketPotential

    loader = import_module("lifecycle.allocation.migrations.0002_defaults")
    CityMarketPotential.objects.filter(city__code="CD").update(score=77)
    AllocationWeight.objects.filter(measure="value").update(weight=5)
    loader.load(apps, None)
    loader.load(apps, None)
    assert CityMarketPotential.objects.count() == 21
    assert CityMarketPotential.objects.get(city__code="CD").score == 77
    assert AllocationWeight.objects.get(measure="value").weight == 5
    assert AllocationWeight.objects.count() == 7
