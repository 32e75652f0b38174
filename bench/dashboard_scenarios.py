"""The dashboard endpoints bench/dashboards.py measures, each with its baseline SQL.

A scenario is data: the real endpoint (path and a realistic query string), the app it needs,
and the baseline, one SQL statement that reads the prepared table(s) the endpoint reads and
returns the rows a hand-tuned endpoint would send. bench/dashboard_baseline.py runs that SQL
(wrapped with the token check) at /bench/baseline/dash/<key>/; its %(name)s parameters come
from `baseline_params`, overridden by the baseline URL's query string. `check(body)` looks at
the real answer and returns a one-line summary; it raises AssertionError when the answer is not
plausible (empty where 100,000 partners must give data). To add an endpoint, add a Scenario.

No Django imports here: the module is read by the driver before Django is set up.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Callable


@dataclass(frozen=True)
class Scenario:
    key: str  # short name, also the baseline URL's last part
    title: str
    path: str  # the real endpoint with its query string
    baseline_sql: str
    tables: str  # the prepared table(s) both read, for the report
    requires: str = ""  # app label that must be installed (else the scenario is skipped)
    baseline_params: dict = field(default_factory=dict)
    baseline_query: str = ""  # query string of the baseline URL
    check: Callable[[Any], str] | None = None
    method: str = "GET"  # of the real endpoint (a calculation may be a POST); the baseline is a GET
    body: dict | None = None  # JSON body of a POST
    # SQL giving one row whose columns fill {name} placeholders of path and baseline_query (ids that
    # depend on the data, e.g. two campaigns); run by the driver once before measuring.
    resolve_sql: str = ""
    # (real answer, baseline rows) -> (a figure of the real answer, the same figure from the rows):
    # the driver checks both agree, so the baseline reads the same data the endpoint shows.
    agree: Callable[[Any, list], tuple] | None = None


def results_of(body):
    """The rows of a paginated or plain answer."""
    if isinstance(body, dict) and "results" in body:
        return body["results"]
    return body


def _nonempty(what: str, pick: Callable[[Any], Any] = results_of) -> Callable[[Any], str]:
    def check(body):
        rows = pick(body)
        assert rows, f"no {what} in the answer"
        count = body.get("count") if isinstance(body, dict) else None
        return f"{len(rows)} {what}" + (f" (count {count})" if count is not None else "")
    return check


SCENARIOS: list[Scenario] = []  # filled below, in the order they are measured
SCENARIOS_BY_KEY: dict[str, Scenario] = {}


def add(scenario: Scenario) -> None:
    SCENARIOS.append(scenario)
    SCENARIOS_BY_KEY[scenario.key] = scenario

def _ipa(body):
    placed = [f for f in body["factors"] if f["quadrant"] != "too_few"]
    assert len(placed) >= 6, f"{len(placed)} factors placed of {len(body['factors'])}"
    return f"{len(placed)}/{len(body['factors'])} factors placed, {body['answers']} answers, " \
           f"{len(body['fix_first'])} to fix first"


def _movement(body):
    rows = body["factors"]
    assert rows, "no factor compared"
    moved = sum(1 for f in rows if f["moved"])
    return f"{len(rows)} factors compared, {moved} moved quadrant"


def _categories(body):
    rows = body["segments"]
    assert rows and body["categories"], "no segment or no category"
    return f"{len(rows)} segments × {len(body['categories'])} categories"


def _grid(body):
    cells = body["cells"]
    assert len(cells) == 6 and body["total"] > 0, f"total {body.get('total')}, {len(cells)} cells"
    return f"6 cells, {body['total']} partners, {len(body['history'])} history days, as of {body['as_of']}"


def _budget(body):
    funded = [row for row in body["segments"] if row["partners"] and row["share"]]
    assert funded, "no funded segment with partners"
    return f"{len(funded)} funded segments, {body['allocated_market_funds']} allocated"


def _board(body):
    indicators = [i for lever in body["levers"] for i in lever["indicators"]]
    with_value = [i for i in indicators if i["value"] is not None]
    assert with_value, "no indicator has a value"
    points = sum(len(i["trend"]) for i in indicators)
    return f"{len(with_value)}/{len(indicators)} indicators with a value, {points} trend points, as of {body['as_of']}"


# --- agreement of real and baseline answers ----------------------------------------------------------
def _same_answers(real, rows):
    return real["answers"], sum(r["answers"] for r in rows)


def _same_segments(real, rows):
    answers: dict = {}
    for r in rows:
        answers[r["tier"]] = answers.get(r["tier"], 0) + r["answers"]
    return {seg["key"]: seg["answers"] for seg in real["segments"]}, answers


def _same_movement(real, rows):
    old, new = real["old"]["id"], real["new"]["id"]
    pairs = {f["code"]: (f["old_answers"], f["new_answers"]) for f in real["factors"]}
    by_campaign = {(r["campaign_id"], r["code"]): r["answers"] for r in rows}
    return pairs, {code: (by_campaign.get((old, code), 0), by_campaign.get((new, code), 0)) for code in pairs}


def _same_grid_total(real, rows):
    latest = max(r["as_of"] for r in rows) if rows else None
    return real["total"], sum(r["partners"] for r in rows if r["as_of"] == latest)


def _same_page(real, rows):
    return ((real["count"], [r["id"] for r in real["results"]]),
            (rows[0]["count"] if rows else 0, [r["id"] for r in rows]))


def _same_budget_counts(real, rows):
    return ({r["segment"]: r["partners"] for r in real["segments"] if r["partners"]},
            {r["segment"]: r["partners"] for r in rows})


def _same_registered(real, rows):
    return real["total"]["counts"]["registered"], next((r["registered"] for r in rows if r["key"] is None), None)


def _same_points(real, rows):
    return sum(len(i["trend"]) for lever in real["levers"] for i in lever["indicators"]), len(rows)


# --- surveys: importance–performance (support/surveys; reads surveys_answeraggregate) ----------------
# The campaigns: the latest periodic campaign with answers and the one before it (the page's
# default and the movement's pair).
CAMPAIGNS = """
    SELECT (SELECT c.id FROM surveys_campaign c WHERE c.kind = 'periodic'
              AND EXISTS (SELECT 1 FROM surveys_answeraggregate a WHERE a.campaign_id = c.id)
            ORDER BY c.opens_on DESC, c.id DESC LIMIT 1) AS campaign,
           (SELECT c.id FROM surveys_campaign c WHERE c.kind = 'periodic'
              AND EXISTS (SELECT 1 FROM surveys_answeraggregate a WHERE a.campaign_id = c.id)
            ORDER BY c.opens_on DESC, c.id DESC LIMIT 1 OFFSET 1) AS previous"""
# Baseline: the factor sums of one campaign (the endpoint adds means, lines, quadrants).
IPA_SQL = """
    SELECT f.id, f.code, f.name, f.weight, c.code AS category, c.name AS category_label,
           SUM(a.answers) AS answers, SUM(a.importance_sum) AS importance_sum,
           SUM(a.satisfaction_sum) AS satisfaction_sum
    FROM surveys_answeraggregate a
    JOIN surveys_surveyfactor f ON f.id = a.factor_id
    JOIN surveys_surveycategory c ON c.id = f.category_id
    WHERE a.campaign_id = %(campaign)s {where}
    GROUP BY f.id, c.id ORDER BY c.sort_order, f.sort_order, f.id"""
add(Scenario(
    key="ipa", title="IPA, latest campaign, all partners", requires="surveys",
    path="/api/v1/survey-analysis/ipa/?campaign={campaign}", baseline_query="campaign={campaign}",
    tables="surveys_answeraggregate (+ factor, category)", resolve_sql=CAMPAIGNS,
    baseline_sql=IPA_SQL.format(where=""), check=_ipa,
    agree=_same_answers,
))
add(Scenario(
    key="ipa-filtered", title="IPA, latest campaign, one city and tier", requires="surveys",
    path="/api/v1/survey-analysis/ipa/?campaign={campaign}&city=CD&tier=certified",
    baseline_query="campaign={campaign}&city=CD&tier=certified",
    tables="surveys_answeraggregate (+ factor, category)", resolve_sql=CAMPAIGNS,
    baseline_sql=IPA_SQL.format(
        where="AND a.city_id = (SELECT id FROM partners_citybranch WHERE code = %(city)s) AND a.tier = %(tier)s"),
    check=_ipa,
    agree=_same_answers,
))
# Movement between the two latest periodic campaigns. Baseline: the factor sums of both.
add(Scenario(
    key="ipa-movement", title="IPA movement between the two latest campaigns", requires="surveys",
    path="/api/v1/survey-analysis/movement/?from={previous}&to={campaign}",
    baseline_query="from={previous}&to={campaign}",
    tables="surveys_answeraggregate (two campaigns)", resolve_sql=CAMPAIGNS,
    baseline_sql="""
        SELECT a.campaign_id, f.id, f.code, f.name, SUM(a.answers) AS answers,
               SUM(a.importance_sum) AS importance_sum, SUM(a.satisfaction_sum) AS satisfaction_sum
        FROM surveys_answeraggregate a JOIN surveys_surveyfactor f ON f.id = a.factor_id
        WHERE a.campaign_id IN (%(from)s, %(to)s)
        GROUP BY a.campaign_id, f.id ORDER BY f.sort_order, f.id, a.campaign_id""",
    check=_movement,
    agree=_same_movement,
))
# The five category scores per tier. Baseline: the satisfaction sums per tier and factor with the
# factors' categories and weights (the endpoint weights and scales them).
add(Scenario(
    key="ipa-categories", title="Category scores by tier, latest campaign", requires="surveys",
    path="/api/v1/survey-analysis/categories/?campaign={campaign}&by=tier", baseline_query="campaign={campaign}",
    tables="surveys_answeraggregate (+ factor weights)", resolve_sql=CAMPAIGNS,
    baseline_sql="""
        SELECT a.tier, f.category_id, f.id AS factor, f.weight, SUM(a.answers) AS answers,
               SUM(a.satisfaction_sum) AS satisfaction_sum
        FROM surveys_answeraggregate a JOIN surveys_surveyfactor f ON f.id = a.factor_id
        WHERE a.campaign_id = %(campaign)s
        GROUP BY a.tier, f.id ORDER BY a.tier, f.category_id, f.id""",
    check=_categories,
    agree=_same_segments,
))

# --- resource allocation (lifecycle/allocation; reads allocation_segmentcount / _partnerallocation) ----
# The grid: partners per segment on the latest day, and the monthly history per segment. Baseline:
# the history sums (latest day included) in one GROUP BY over the prepared counts.
add(Scenario(
    key="allocation-grid", title="Allocation grid (no filter)", requires="allocation",
    path="/api/v1/allocation/grid/", tables="allocation_segmentcount",
    baseline_sql="""
        SELECT as_of, segment, SUM(partners) AS partners FROM allocation_segmentcount
        GROUP BY as_of, segment ORDER BY as_of, segment""",
    check=_grid,
    agree=_same_grid_total,
))
add(Scenario(
    key="allocation-grid-city", title="Allocation grid, one city and tier", requires="allocation",
    path="/api/v1/allocation/grid/?city=CD&tier=certified", tables="allocation_segmentcount",
    baseline_query="city=CD&tier=certified",
    baseline_sql="""
        SELECT sc.as_of, sc.segment, SUM(sc.partners) AS partners FROM allocation_segmentcount sc
        WHERE sc.city_id = (SELECT id FROM partners_citybranch WHERE code = %(city)s) AND sc.tier = %(tier)s
        GROUP BY sc.as_of, sc.segment ORDER BY sc.as_of, sc.segment""",
    check=_grid,
    agree=_same_grid_total,
))
# The partners of one cell (segment 2, the first priority), first page of 25 as the page asks for
# it, in the endpoint's order; baseline: the page with its joins and the count in one statement.
add(Scenario(
    key="allocation-partners", title="Partners of segment 2 (page 1 of 25)", requires="allocation",
    path="/api/v1/allocation/partners/?segment=2&page=1&page_size=25",
    tables="allocation_partnerallocation (+ partner, city, type)",
    baseline_params={"segment": 2, "limit": 25, "offset": 0},
    baseline_sql="""
        SELECT (SELECT count(*) FROM allocation_partnerallocation WHERE segment = %(segment)s) AS count,
               a.partner_id AS id, p.code AS partner_code, p.name AS partner_name, a.as_of,
               c.code AS city, c.name AS city_name, t.code AS partner_type, t.name AS partner_type_name, a.tier,
               a.attractiveness, a.fit, a.attractiveness_band, a.fit_band, a.segment
        FROM allocation_partnerallocation a
        JOIN partners_partner p ON p.id = a.partner_id
        JOIN partners_citybranch c ON c.id = a.city_id
        JOIN partners_partnertype t ON t.id = a.partner_type_id
        WHERE a.segment = %(segment)s
        ORDER BY a.segment, a.attractiveness DESC, a.fit DESC, a.partner_id
        LIMIT %(limit)s OFFSET %(offset)s""",
    check=_nonempty("partners"),
    agree=_same_page,
))
# The budget split (a POST: a calculation over the latest day's counts per segment).
add(Scenario(
    key="allocation-budget", title="Budget split (POST)", requires="allocation",
    path="/api/v1/allocation/budget/", method="POST", body={"market_funds": "1000000.00", "training_seats": 100},
    tables="allocation_segmentcount (latest day)",
    baseline_sql="""
        SELECT segment, SUM(partners) AS partners FROM allocation_segmentcount
        WHERE as_of = (SELECT MAX(as_of) FROM allocation_segmentcount)
        GROUP BY segment ORDER BY segment""",
    check=_budget,
    agree=_same_budget_counts,
))

# --- recruitment funnel (partners/recruitment; reads recruitment_funnelcell) ---------------------------
# All cohorts as of the latest run, by partner type. Baseline: the counts and day sums per type
# in one GROUP BY over the latest day's cells (the endpoint adds rates and weighted medians).
FUNNEL_SUMS = """
    SUM(f.prospects) AS prospects, SUM(f.applied) AS applied, SUM(f.applied_from_prospect) AS applied_from_prospect,
    SUM(f.registered) AS registered, SUM(f.registered_from_applied) AS registered_from_applied,
    SUM(f.first_sale) AS first_sale, SUM(f.recruited) AS recruited, SUM(f.recruited_first_sale) AS recruited_first_sale,
    SUM(f.lost) AS lost, SUM(f.days_to_apply_sum) AS days_to_apply_sum,
    SUM(f.days_to_register_sum) AS days_to_register_sum, SUM(f.days_to_sale_sum) AS days_to_sale_sum"""


def _funnel(body):
    counts = body["total"]["counts"]
    assert counts["registered"] > 0, f"total counts {counts}"
    return f"{len(body['groups'])} groups, {counts['registered']} registered, as of {body['as_of']}"


add(Scenario(
    key="recruitment-funnel", title="Recruitment funnel by partner type", requires="recruitment",
    path="/api/v1/recruitment/funnel/?by=type", tables="recruitment_funnelcell (latest day)",
    baseline_sql=f"""
        SELECT t.code AS key, t.name AS label, {FUNNEL_SUMS}
        FROM recruitment_funnelcell f JOIN partners_partnertype t ON t.id = f.partner_type_id
        WHERE f.as_of = (SELECT MAX(as_of) FROM recruitment_funnelcell)
        GROUP BY ROLLUP ((t.code, t.name)) ORDER BY t.code""",
    check=_funnel,
    agree=_same_registered,
))

# --- three contradictions (lifecycle/indicators.py; reads lifecycle_indicatorsnapshot) ---------------
# The board: every indicator's latest value and its month-end trend over 24 months. Baseline: the
# snapshot rows of the latest day and of the month ends before it.
add(Scenario(
    key="contradictions", title="Three-contradictions board (24 months)", requires="lifecycle",
    path="/api/v1/lifecycle/contradictions/", tables="lifecycle_indicatorsnapshot",
    baseline_sql="""
        WITH latest AS (SELECT MAX(as_of) AS day FROM lifecycle_indicatorsnapshot)
        SELECT s.key, s.as_of, s.value, s.numerator, s.denominator, s.breakdown
        FROM lifecycle_indicatorsnapshot s, latest
        WHERE s.as_of = latest.day
           OR (s.as_of >= date_trunc('month', latest.day) - INTERVAL '24 months'
               AND s.as_of = CAST(date_trunc('month', s.as_of) + INTERVAL '1 month - 1 day' AS DATE))
        ORDER BY s.key, s.as_of""",
    check=_board,
    agree=_same_points,
))
