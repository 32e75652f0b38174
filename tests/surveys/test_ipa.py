"""Importance–performance analysis on a hand-computed example, lines, ties, minimum answers,
the fix-first order, movement between campaigns and the category scores per segment."""
import datetime
from decimal import Decimal
from fractions import Fraction

import pytest

from partners.choices import Tier
from support.surveys.analysis.ipa import (
    Filters,
    Quadrant,
    category_scores,
    classify,
    default_campaign,
    ipa_analysis,
    ipa_movement,
)
from tests import factories as f

from .ipa_world import campaign, partner, respond

pytestmark = pytest.mark.django_db

# The hand-computed example: three responses, seven factors (A–G).
A, B, C, D, E, F, G = ("market_heat", "response_time", "training_coaching", "brand_influence", "input_cost",
                       "regulated_competition", "service_efficiency")
RESPONSES = [
    {A: (5, 2), B: (4, 4), C: (2, 2), D: (2, 5), F: (3, 3), G: (4, 3)},
    {A: (5, 3), B: (5, 5), C: (3, 1), D: (1, 4), F: (3, 3), G: (4, 3)},
    {A: (4, 1), B: (4, 3), C: (2, 3), D: (3, 4), F: (3, 3), G: (4, 2), E: (5, 1)},
]


@pytest.fixture
def example():
    """
    factor  importance         satisfaction        answers
    A       (5+5+4)/3 = 4.67   (2+3+1)/3 = 2.00    3
    B       (4+5+4)/3 = 4.33   (4+5+3)/3 = 4.00    3
    C       (2+3+2)/3 = 2.33   (2+1+3)/3 = 2.00    3
    D       (2+1+3)/3 = 2.00   (5+4+4)/3 = 4.33    3
    F       3.00               3.00                3
    G       4.00               (3+3+2)/3 = 2.67    3
    E       5.00               1.00                1  → too few (min 3): not placed, not in the means

    Grand means over A, B, C, D, F, G: importance (14+13+7+6+9+12)/3/6 = 61/18 = 3.39;
    satisfaction (6+12+6+13+9+8)/3/6 = 54/18 = 3.00 exactly.

    Mean lines:  A 4.67 ≥ 3.39, 2.00 < 3 → fix first;  B → keep up;  C 2.33 < 3.39, 2 < 3 → low
    priority;  D 2.00 < 3.39, 4.33 ≥ 3 → overkill;  F 3.00 < 3.39 but satisfaction 3.00 ON the
    line → counts as high → overkill;  G 4 ≥ 3.39, 2.67 < 3 → fix first.
    Fix first by gap: A (4.67 − 2.00 = 2.67) before G (4.00 − 2.67 = 1.33).
    Midpoint lines (3, 3): the same except F, on both lines → keep up.
    """
    c = campaign(codes=[A, B, C, D, E, F, G])
    for ratings in RESPONSES:
        respond(c, partner(), ratings)
    return c


def quadrants(result):
    return {p.factor.code: p.quadrant for p in result.points}


def test_hand_computed_example_with_mean_lines(example):
    result = ipa_analysis(campaign=example, min_answers=3)
    assert result.importance_line == Fraction(61, 18)
    assert result.satisfaction_line == Fraction(3)
    assert quadrants(result) == {
        A: Quadrant.FIX_FIRST, B: Quadrant.KEEP_UP, C: Quadrant.LOW_PRIORITY, D: Quadrant.OVERKILL,
        F: Quadrant.OVERKILL, G: Quadrant.FIX_FIRST, E: Quadrant.TOO_FEW,
    }
    assert [p.factor.code for p in result.fix_first] == [A, G]
    data = result.as_dict()
    assert data["lines"] == {"kind": "mean", "importance": Decimal("3.39"), "satisfaction": Decimal("3.00")}
    rows = {row["code"]: row for row in data["factors"]}
    assert (rows[A]["importance"], rows[A]["satisfaction"], rows[A]["gap"]) == (Decimal("4.67"), Decimal("2.00"), Decimal("2.67"))
    assert (rows[G]["importance"], rows[G]["satisfaction"], rows[G]["gap"]) == (Decimal("4.00"), Decimal("2.67"), Decimal("1.33"))
    assert (rows[E]["answers"], rows[E]["importance"]) == (1, Decimal("5.00"))
    assert data["answers"] == 19


def test_hand_computed_example_with_midpoint_lines(example):
    result = ipa_analysis(campaign=example, lines="midpoint", min_answers=3)
    assert (result.importance_line, result.satisfaction_line) == (3, 3)
    assert quadrants(result) == {
        A: Quadrant.FIX_FIRST, B: Quadrant.KEEP_UP, C: Quadrant.LOW_PRIORITY, D: Quadrant.OVERKILL,
        F: Quadrant.KEEP_UP, G: Quadrant.FIX_FIRST, E: Quadrant.TOO_FEW,
    }


@pytest.mark.parametrize(
    "importance, satisfaction, expected",
    [(3, 3, Quadrant.KEEP_UP), (3, Fraction(299, 100), Quadrant.FIX_FIRST), (Fraction(299, 100), 3, Quadrant.OVERKILL),
     (Fraction(299, 100), Fraction(299, 100), Quadrant.LOW_PRIORITY), (5, 1, Quadrant.FIX_FIRST), (1, 5, Quadrant.OVERKILL)],
)
def test_ties_on_a_line_count_as_high(importance, satisfaction, expected):
    assert classify(Fraction(importance), Fraction(satisfaction), importance_line=Fraction(3),
                    satisfaction_line=Fraction(3)) == expected


def test_minimum_answers_default_five(example):
    result = ipa_analysis(campaign=example)  # three answers per factor, five needed
    assert set(quadrants(result).values()) == {Quadrant.TOO_FEW}
    assert result.importance_line is None and result.fix_first == []
    for ratings in RESPONSES[:2]:
        respond(example, partner(), ratings)
    result = ipa_analysis(campaign=example)
    assert quadrants(result)[A] == Quadrant.FIX_FIRST  # five answers now
    assert quadrants(result)[E] == Quadrant.TOO_FEW


def test_fix_first_ties_on_gap_put_the_more_important_first():
    c = campaign(codes=[A, B, C, D])
    # A: importance 5, satisfaction 3 (gap 2); B: 4 and 2 (gap 2); C and D low importance, high satisfaction.
    respond(c, partner(), {A: (5, 3), B: (4, 2), C: (1, 5), D: (2, 5)})
    result = ipa_analysis(campaign=c, min_answers=1)
    assert [p.factor.code for p in result.fix_first] == [A, B]


def test_filters_narrow_the_answers():
    c = campaign(codes=[A, B])
    gold_my = partner(tier=Tier.GOLD, city=f.city("MY"), partner_type=f.partner_type("ISV"))
    registered_cd = partner(tier=Tier.REGISTERED, city=f.city("CD"))
    respond(c, gold_my, {A: (5, 1), B: (1, 5)})
    respond(c, registered_cd, {A: (1, 5), B: (5, 1)})
    both = ipa_analysis(campaign=c, min_answers=1)
    assert {p.factor.code: (p.importance, p.satisfaction) for p in both.points} == {A: (3, 3), B: (3, 3)}
    for filters in (Filters(tier=("gold",)), Filters(city=("MY",)), Filters(partner_type=("ISV",)),
                    Filters(cooperation_model=("channel_sharing",), tier=("gold", "certified"))):
        result = ipa_analysis(campaign=c, filters=filters, min_answers=1)
        assert {p.factor.code: (p.importance, p.satisfaction) for p in result.points} == {A: (5, 1), B: (1, 5)}, filters
    nobody = ipa_analysis(campaign=c, filters=Filters(city=("LS",)), min_answers=1)
    assert all(p.answers == 0 and p.quadrant == Quadrant.TOO_FEW for p in nobody.points)


def test_the_snapshot_at_submission_counts_not_the_partner_today():
    c = campaign(codes=[A])
    p = partner(tier=Tier.REGISTERED)
    respond(c, p, {A: (4, 2)})
    p.tier = Tier.GOLD
    p.save()
    assert ipa_analysis(campaign=c, filters=Filters(tier=("gold",)), min_answers=1).points[0].answers == 0
    assert ipa_analysis(campaign=c, filters=Filters(tier=("registered",)), min_answers=1).points[0].answers == 1


def test_movement_between_two_campaigns(example):
    """Second campaign, midpoint lines, one answer each suffices:
    A importance 4, satisfaction 4  → Δ (4 − 4.67, 4 − 2) = (−0.67, +2.00), fix first → keep up;
    C importance 2, satisfaction 1  → Δ (−0.33, −1.00), low priority → low priority;
    B not asked again               → no Δ, keep up → too few."""
    later = campaign(name="2026 Q2", opens_on=datetime.date(2026, 4, 1), codes=[A, C])
    respond(later, partner(), {A: (4, 4), C: (2, 1)})
    result = ipa_movement(old=example, new=later, lines="midpoint", min_answers=1)
    rows = {row["code"]: row for row in result["factors"]}
    assert (rows[A]["delta_importance"], rows[A]["delta_satisfaction"]) == (Decimal("-0.67"), Decimal("2.00"))
    assert (rows[A]["old_quadrant"], rows[A]["new_quadrant"], rows[A]["moved"]) == ("fix_first", "keep_up", True)
    assert (rows[C]["delta_importance"], rows[C]["delta_satisfaction"]) == (Decimal("-0.33"), Decimal("-1.00"))
    assert (rows[C]["old_quadrant"], rows[C]["new_quadrant"], rows[C]["moved"]) == ("low_priority", "low_priority", False)
    assert rows[B]["delta_importance"] is None and rows[B]["new_quadrant"] == "too_few" and rows[B]["moved"]
    assert result["old"]["id"] == example.pk and result["new"]["id"] == later.pk


def test_category_scores_per_segment(example):
    """Default weights: market heat 15 and brand influence 5 (cooperation experience), response
    time 5 and service efficiency 8 (process and interaction).
    Experience: (15 × 2 + 5 × 13/3) / 20 = 155/60 → (155/60 − 1) × 25 = 39.58.
    Process: (5 × 4 + 8 × 8/3) / 13 = 124/39 → (124/39 − 1) × 25 = 54.49.
    Technology: training and coaching alone, mean 2 → 25.00. Operator posture: input cost, mean 1 → 0.00.
    Fairness: regulated competition, mean 3 → 50.00."""
    result = category_scores(campaign=example, by="city")
    assert [s["key"] for s in result["segments"]] == ["CD"]
    scores = result["segments"][0]["scores"]
    assert scores == {"experience": Decimal("39.58"), "process": Decimal("54.49"), "technology": Decimal("25.00"),
                      "posture": Decimal("0.00"), "fairness": Decimal("50.00")}
    assert result["segments"][0]["answers"] == 19


def test_category_scores_grouped_by_tier():
    c = campaign(codes=[A, B])
    respond(c, partner(tier=Tier.GOLD), {A: (5, 5), B: (5, 5)})
    respond(c, partner(tier=Tier.REGISTERED), {A: (5, 1), B: (5, 3)})
    respond(c, partner(tier=Tier.REGISTERED), {A: (5, 3), B: (5, 5)})
    result = category_scores(campaign=c, by="tier")
    segments = {s["key"]: s for s in result["segments"]}
    assert [s["key"] for s in result["segments"]] == ["registered", "gold"]  # the tiers' order
    assert segments["gold"]["scores"]["experience"] == Decimal("100.00")
    assert segments["registered"]["scores"]["experience"] == Decimal("25.00")  # market heat, mean 2
    assert segments["registered"]["scores"]["process"] == Decimal("75.00")  # response time, mean 4
    assert segments["registered"]["scores"]["fairness"] is None
    # overall: (15 × 2 + 5 × 4) / 20 = 2.5 → 37.50
    assert segments["registered"]["overall"] == Decimal("37.50")
    only_gold = category_scores(campaign=c, by="tier", filters=Filters(tier=("gold",)))
    assert [s["key"] for s in only_gold["segments"]] == ["gold"]


def test_default_campaign_is_the_latest_periodic_one_with_answers(example):
    assert default_campaign() == example
    campaign(name="2026 Q3", opens_on=datetime.date(2026, 7, 1))  # no answers yet
    assert default_campaign() == example
    later = campaign(name="2026 Q2", opens_on=datetime.date(2026, 4, 1), codes=[A])
    respond(later, partner(), {A: (3, 3)})
    assert default_campaign() == later
