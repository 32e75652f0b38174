"""The weighted satisfaction index per partner: the nightly table, its window and weights, the
lifecycle "low satisfaction" flag (through the lifecycle job) and the allocation measure.

Default weights used below: market heat 15, resource sharing 10, response time 5 (of 100).
Satisfaction s maps to (s − 1) × 25.
"""
import datetime
from decimal import Decimal

import pytest
from django.core.management import call_command

from lifecycle.choices import FlagKind, Severity
from lifecycle.engine import lifecycle_run_execute
from lifecycle.models import LifecycleSettings, RiskFlag
from lifecycle.risk_rules import RuleContext, registered_rules
from support.surveys.analysis.nightly import analysis_nightly_run
from support.surveys.analysis.satisfaction import index_queryset, satisfaction_measure
from support.surveys.analysis.tasks import analysis_nightly
from support.surveys.models import AnswerAggregate, PartnerSatisfaction, SurveyFactor

from .ipa_world import at, campaign, partner, respond

pytestmark = pytest.mark.django_db

D = datetime.date(2026, 6, 30)
MH, RS, RT = "market_heat", "resource_sharing", "response_time"


@pytest.fixture(autouse=True)
def _registered():
    """Registered as the app registers them at start-up (another test may have replaced them)."""
    from support.surveys import analysis

    analysis.ready()


def new_partner():
    return partner(joined_on=D - datetime.timedelta(days=100))  # stage A, so the lifecycle job sees it


@pytest.fixture
def world():
    """
    low      market heat 2 (25), response time 4 (75)     → (15·25 + 5·75) / 20 = 37.50  serious (< 40)
    edge40   market heat 3 (50), resource sharing 2 (25)  → (15·50 + 10·25) / 25 = 40.00  warning
    edge60   market heat 3 (50), resource sharing 4 (75)  → (15·50 + 10·75) / 25 = 60.00  no flag (not below)
    happy    two responses, everything 5                  → 100.00                        no flag
    """
    c = campaign(opens_on=datetime.date(2026, 3, 1), codes=[MH, RS, RT])
    people = {name: new_partner() for name in ("low", "edge40", "edge60", "happy", "silent")}
    day = at(datetime.date(2026, 3, 10))
    respond(c, people["low"], {MH: (5, 2), RT: (4, 4)}, submitted_at=day)
    respond(c, people["edge40"], {MH: (5, 3), RS: (3, 2)}, submitted_at=day)
    respond(c, people["edge60"], {MH: (5, 3), RS: (3, 4)}, submitted_at=day)
    respond(c, people["happy"], {MH: (5, 5), RS: (5, 5), RT: (5, 5)}, submitted_at=day)
    respond(c, people["happy"], {MH: (4, 5)}, submitted_at=at(datetime.date(2026, 3, 12)))
    return people


def indexes(day=D):
    return {row.partner_id: row for row in PartnerSatisfaction.objects.filter(as_of=day)}


def test_nightly_index_and_category_scores(world):
    result = analysis_nightly_run(as_of=D, chunk_size=2)
    assert result.partners == 4 and result.chunks >= 3
    rows = indexes()
    assert world["silent"].pk not in rows
    low = rows[world["low"].pk]
    assert (low.index, low.responses) == (Decimal("37.50"), 1)
    assert low.category_scores == {"experience": 25, "process": 75}
    assert rows[world["edge40"].pk].index == Decimal("40.00")
    assert rows[world["edge40"].pk].category_scores == {"experience": 50, "fairness": 25}
    assert rows[world["edge60"].pk].index == Decimal("60.00")
    assert (rows[world["happy"].pk].index, rows[world["happy"].pk].responses) == (Decimal("100.00"), 2)
    # The rule's and the measure's query compute the same index from the answers.
    orm = {row["partner_id"]: (row["index"], row["responses"]) for row in index_queryset(as_of=D)}
    assert orm == {pk: (row.index, row.responses) for pk, row in rows.items()}


def test_window_weights_and_inactive_factors(world):
    low = world["low"]
    c = campaign(name="old", opens_on=datetime.date(2025, 1, 1), codes=[RS])
    respond(c, low, {RS: (5, 1)}, submitted_at=at(D - datetime.timedelta(days=365), 0))  # just outside
    respond(c, low, {RS: (5, 1)}, submitted_at=at(D + datetime.timedelta(days=1), 0))  # after the day
    analysis_nightly_run(as_of=D)
    assert indexes()[low.pk].index == Decimal("37.50")
    respond(c, low, {RS: (5, 1)}, submitted_at=at(D - datetime.timedelta(days=364), 0))  # inside: weight 10, 0
    analysis_nightly_run(as_of=D)
    assert indexes()[low.pk].index == Decimal("25.00")  # (375 + 375 + 0) / 30
    assert indexes()[low.pk].responses == 2
    SurveyFactor.objects.filter(code=RS).update(active=False)
    SurveyFactor.objects.filter(code=RT).update(weight=Decimal("15"))
    analysis_nightly_run(as_of=D)
    assert indexes()[low.pk].index == Decimal("50.00")  # (15·25 + 15·75) / 30


def test_the_job_is_idempotent_and_keeps_month_ends_and_the_latest_day(world):
    for day in (datetime.date(2026, 5, 30), datetime.date(2026, 5, 31), datetime.date(2026, 6, 29), D):
        analysis_nightly_run(as_of=day)
    before = sorted(PartnerSatisfaction.objects.values_list("partner_id", "as_of", "index", "responses"))
    assert sorted({row[1] for row in before}) == [datetime.date(2026, 5, 31), D]
    result = analysis_nightly(as_of=D.isoformat())  # the Celery task, again for the same day
    assert result["partners"] == 4
    assert sorted(PartnerSatisfaction.objects.values_list("partner_id", "as_of", "index", "responses")) == before
    assert AnswerAggregate.objects.exists()  # the cube was rebuilt too


def test_low_satisfaction_flags_through_the_lifecycle_job(world):
    assert FlagKind.LOW_SATISFACTION in [rule.kind for rule in registered_rules()]
    lifecycle_run_execute(as_of=D)  # no satisfaction job first: the rule reads the answers itself
    flags = {flag.partner_id: flag for flag in RiskFlag.objects.filter(kind=FlagKind.LOW_SATISFACTION)}
    assert set(flags) == {world["low"].pk, world["edge40"].pk}
    assert flags[world["low"].pk].severity == Severity.SERIOUS
    assert flags[world["low"].pk].evidence == {"index": 37.5, "responses": 1, "threshold": 60}
    assert flags[world["edge40"].pk].severity == Severity.WARNING
    assert flags[world["edge40"].pk].evidence["index"] == 40


def test_the_threshold_is_the_lifecycle_setting(world):
    settings = LifecycleSettings.load()
    settings.satisfaction_min = 38
    settings.save()
    ctx = RuleContext(as_of=D, partner_lo=1, partner_hi=10**9, settings=settings)
    from support.surveys.analysis.satisfaction import low_satisfaction_rule

    rows = {row["partner_id"]: row for row in low_satisfaction_rule(ctx)}
    assert set(rows) == {world["low"].pk}
    assert rows[world["low"].pk]["severity"] == Severity.WARNING  # 37.5 is not below 38 − 20


def test_answers_after_the_day_do_not_count(world):
    day = datetime.date(2026, 3, 9)  # the day before every answer
    ctx = RuleContext(as_of=day, partner_lo=1, partner_hi=10**9, settings=LifecycleSettings.load())
    from support.surveys.analysis.satisfaction import low_satisfaction_rule

    assert list(low_satisfaction_rule(ctx)) == []


def test_allocation_measure(world):
    from lifecycle.allocation.measures import MeasureContext, registered_measures

    measure = {m.key: m for m in registered_measures()}["satisfaction"]
    assert measure.missing == 50
    ctx = MeasureContext(as_of=D, partner_lo=world["low"].pk, partner_hi=world["edge60"].pk)
    rows = {row["partner_id"]: row["score"] for row in satisfaction_measure(ctx).values("partner_id", "score")}
    assert rows == {world["low"].pk: Decimal("37.50"), world["edge40"].pk: Decimal("40.00"),
                    world["edge60"].pk: Decimal("60.00")}


def test_run_nightly_runs_the_analysis_before_the_lifecycle_job(world, settings):
    from django.conf import settings as django_settings

    jobs = django_settings.PRM_NIGHTLY_JOBS
    assert jobs.index("surveys.analysis_nightly") < jobs.index("lifecycle.nightly")
    settings.PRM_NIGHTLY_JOBS = ["surveys.analysis_nightly"]
    call_command("run_nightly", "--as-of", D.isoformat())
    assert len(indexes()) == 4
