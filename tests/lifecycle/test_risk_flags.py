"""Risk flags (defaults: sales drop 30 % warning / 60 % serious from 10,000 CNY prior sales;
no sale for 60 days warning / 120 serious; stage D serious), episodes, risk level, notifications
and the rule registry."""
import datetime

import pytest
from django.core import mail
from django.db.models import Count, F, Value
from django.db.models.functions import JSONObject

from lifecycle import risk_rules
from lifecycle.choices import FlagKind, RiskLevel, Severity, Stage
from lifecycle.models import LifecycleRun, LifecycleSettings, PartnerLifecycle, RiskFlag, RiskHit
from partners.choices import PartnerStatus
from partners.models import Partner, SaleRecord
from prm.models import Notification
from tests import factories as f

from .conftest import D, days_before, dump

pytestmark = pytest.mark.django_db


def sa(**kwargs):
    kwargs.setdefault("joined_on", days_before(800))
    return f.PartnerFactory(partner_type=f.partner_type("SA"), **kwargs)


def open_flags(partner):
    return {flag.kind: flag.severity for flag in RiskFlag.objects.filter(partner=partner, cleared_on__isnull=True)}


def valuable(sell, *, recent="3000.00", **kwargs):
    """A partner scoring ~80: top sales, 5 products, 15 customers, 3+ years; sales down 70 %."""
    partner = sa(joined_on=days_before(1200), **kwargs)
    products = [f.ProductFactory() for _ in range(5)]
    for n in range(15):
        sell(partner, days_before(100 + n), "1000.00", product_=products[n % 5], customer=f"客户{n}")
    sell(partner, days_before(3), recent, product_=products[0], customer="客户0")
    return partner


@pytest.mark.parametrize(
    "recent, expected",
    [("7000.00", {FlagKind.SALES_DROP: Severity.WARNING}), ("7000.01", {}),
     ("4000.00", {FlagKind.SALES_DROP: Severity.SERIOUS, FlagKind.STAGE_DECLINE: Severity.SERIOUS})],
)
def test_sales_drop_flag_edges(sell, run_job, recent, expected):
    partner = sa()
    sell(partner, days_before(100), "10000.00")
    sell(partner, days_before(3), recent)
    run_job(D)
    assert open_flags(partner) == expected
    if expected:
        flag = RiskFlag.objects.get(partner=partner, kind=FlagKind.SALES_DROP)
        assert flag.evidence["sales_prev_90d_cents"] == 1_000_000
        assert flag.evidence["threshold_pct"] == 30
        assert (flag.first_raised_on, flag.last_seen_on, flag.cleared_on) == (D, D, None)


@pytest.mark.parametrize(
    "days, expected",
    [(59, {}), (60, {FlagKind.NO_SALES: Severity.WARNING}),
     (120, {FlagKind.NO_SALES: Severity.SERIOUS, FlagKind.STAGE_DECLINE: Severity.SERIOUS})],
)
def test_no_sales_flag_edges(sell, run_job, days, expected):
    partner = sa()
    sell(partner, days_before(days))
    run_job(D)
    assert open_flags(partner) == expected


def test_exited_partners_carry_no_flags(sell, run_job):
    partner = sa()
    sell(partner, days_before(130))
    run_job(D)
    assert open_flags(partner)
    Partner.objects.filter(pk=partner.pk).update(status=PartnerStatus.EXITED)
    next_day = D + datetime.timedelta(days=1)
    run_job(next_day)
    assert open_flags(partner) == {}
    assert set(RiskFlag.objects.filter(partner=partner).values_list("cleared_on", flat=True)) == {next_day}


def test_flag_episodes_raise_see_clear_and_raise_again(sell, run_job):
    partner = sa()
    sell(partner, days_before(60))
    run_job(D)
    d2 = D + datetime.timedelta(days=1)
    run_job(d2)
    flag = RiskFlag.objects.get(partner=partner, kind=FlagKind.NO_SALES)
    assert (flag.first_raised_on, flag.last_seen_on, flag.cleared_on) == (D, d2, None)
    assert flag.evidence["days_since_sale"] == 61
    d3 = d2 + datetime.timedelta(days=1)
    sell(partner, d3)
    run = run_job(d3)
    flag.refresh_from_db()
    assert (flag.last_seen_on, flag.cleared_on) == (d2, d3)
    assert run.flags_cleared == 1 and run.flags_raised == 0
    d4 = d3 + datetime.timedelta(days=60)
    run = run_job(d4)
    episodes = list(RiskFlag.objects.filter(partner=partner, kind=FlagKind.NO_SALES).order_by("first_raised_on")
                    .values_list("first_raised_on", "cleared_on"))
    assert episodes == [(D, d3), (d4, None)]
    assert run.flags_raised == 1


def test_risk_levels(sell, run_job):
    high = valuable(sell)
    medium = sa()  # a serious flag, small partner
    sell(medium, days_before(130), "500.00")
    low = sa()  # a warning, small partner
    sell(low, days_before(61), "500.00")
    calm = sa()
    sell(calm, days_before(2), "500.00")
    run_job(D)
    levels = dict(PartnerLifecycle.objects.filter(partner__in=[high, medium, low, calm]).values_list("partner_id", "risk_level"))
    assert levels == {high.pk: RiskLevel.HIGH, medium.pk: RiskLevel.MEDIUM, low.pk: RiskLevel.LOW, calm.pk: RiskLevel.NONE}
    state = PartnerLifecycle.objects.get(partner=high)
    assert state.value_score >= LifecycleSettings.load().high_value_score
    assert state.high_risk_since == D and state.stage == Stage.D


def test_high_value_threshold_decides_high_risk(sell, run_job):
    partner = valuable(sell)
    settings = LifecycleSettings.load()
    settings.high_value_score = 100
    settings.save()
    run_job(D)
    assert PartnerLifecycle.objects.get(partner=partner).risk_level == RiskLevel.MEDIUM


def test_channel_manager_is_notified_once(sell, run_job, channel_manager, django_capture_on_commit_callbacks):
    partner = valuable(sell, channel_manager=channel_manager)
    with django_capture_on_commit_callbacks(execute=True):
        run = run_job(D)
    assert run.new_high_risk == 1
    notes = Notification.objects.filter(recipient=channel_manager, kind="lifecycle.high_risk")
    assert notes.count() == 1
    assert partner.code in notes.get().title
    assert len(mail.outbox) == 1 and mail.outbox[0].to == [channel_manager.email]
    with django_capture_on_commit_callbacks(execute=True):
        run_job(D)  # the same day again
        run_job(D + datetime.timedelta(days=1))  # still high-risk: not new
    assert notes.count() == 1 and len(mail.outbox) == 1
    state = PartnerLifecycle.objects.get(partner=partner)
    assert state.high_risk_since == D


def test_many_new_high_risk_partners_make_one_summary(sell, run_job, channel_manager):
    settings = LifecycleSettings.load()
    settings.notify_individually_max = 1
    settings.save()
    valuable(sell, channel_manager=channel_manager)
    valuable(sell, channel_manager=channel_manager)
    sell(sa(), days_before(2), "10.00")  # ranks below the two (equal) valuable partners
    run = run_job(D)
    assert run.new_high_risk == 2
    notes = Notification.objects.filter(recipient=channel_manager, kind="lifecycle.high_risk")
    assert notes.count() == 1
    assert notes.get().title.startswith("2 ")


@pytest.fixture
def big_sale_rule():
    """A rule of another app's kind, registered like the support app registers its own."""

    def query(ctx):
        return (
            SaleRecord.objects.filter(ctx.partner_range("partner_id"), sold_on__lte=ctx.as_of, amount__gte=50000)
            .values("partner_id")
            .annotate(severity=Value(Severity.WATCH), evidence=JSONObject(sales=Count("id"), biggest=F("partner_id")))
        )

    registered = dict(risk_rules._rules)  # the support app's own rule stands in this slot
    risk_rules.register_rule(FlagKind.SUPPORT, query)
    yield
    risk_rules._rules.clear()
    risk_rules._rules.update(registered)


def test_other_apps_register_rules(sell, run_job, big_sale_rule):
    partner = sa()
    sell(partner, days_before(2), "60000.00")
    quiet = sa()
    sell(quiet, days_before(2), "100.00")
    run = run_job(D)
    assert open_flags(partner) == {FlagKind.SUPPORT: Severity.WATCH}
    assert open_flags(quiet) == {}
    assert RiskHit.objects.get(partner=partner).evidence == {"sales": 1, "biggest": partner.pk}
    assert FlagKind.SUPPORT in run.config["rules"]
    assert PartnerLifecycle.objects.get(partner=partner).risk_level == RiskLevel.LOW


def test_a_broken_rule_fails_the_run_and_changes_nothing(sell, run_job, monkeypatch):
    partner = sa()
    sell(partner, days_before(130))
    run_job(D)
    before = dump()
    # the registry as it was comes back after the test, apps' own rules included
    monkeypatch.setattr(risk_rules, "_rules", dict(risk_rules._rules))
    risk_rules.register_rule(FlagKind.LOW_SATISFACTION, lambda ctx: Partner.objects.values("id"))
    with pytest.raises(ValueError):
        run_job(D + datetime.timedelta(days=1))
    assert dump() == before
    run = LifecycleRun.objects.order_by("-id").first()
    assert run.status == "failed" and "must return" in run.error
    assert run.chunks.get().status == "failed"


def test_rule_registry_validates_kinds():
    with pytest.raises(ValueError):
        risk_rules.register_rule("unknown_kind", lambda ctx: None)
    rule = risk_rules.register_rule("custom_kind", lambda ctx: None, label="Custom")
    try:
        assert rule in risk_rules.registered_rules()
        assert risk_rules.rule_label("custom_kind") == "Custom"
    finally:
        risk_rules.unregister_rule("custom_kind")
    kinds = [r.kind for r in risk_rules.registered_rules()]
    assert kinds == sorted(kinds)
    assert {"no_sales", "sales_drop", "stage_decline"} <= set(kinds)
