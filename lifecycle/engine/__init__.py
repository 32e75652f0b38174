"""The lifecycle engine: stages A–E, value score, risk flags, recomputed set-based for all partners.

Stage rules (per partner, as of a day; first match wins; thresholds per partner type in
StageThreshold, the row without a type being the default):

    E  status on the day is exited
    A  status on the day is prospect
    E  never sold, and joined `never_sold_exit_days` (365) or more days ago
    A  never sold yet
    D  status on the day is suspended
    E  no sale for `exit_inactive_days` (365) days or more
    D  no sale for `decline_inactive_days` (120) days or more
    D  the 90 days before the last 90 sold at least `decline_min_prior_sales` and the last 90
       days' sales are down by `decline_drop_pct` (50) % or more
    C  trailing-12-month sales ≥ `maturity_sales_12m` and tenure ≥ `maturity_min_tenure_days` (365)
    B  otherwise (selling, below maturity)

Defaults per type (CNY): maturity 12-month sales SA 150,000 · ISV 500,000 · SI 500,000 · other
types 200,000; the drop rule applies from prior 90-day sales of SA 10,000 · ISV 40,000 ·
SI 40,000 · other 20,000. Windows: "last 90 days" is (day−90, day], "the 90 days before" is
(day−180, day−90], "trailing 12 months" is (day−365, day]. Only booked sales count. "Exactly
at a threshold" trips it (≥). The status on the day comes from the partner's change history.

A channel manager's override (StageOverride) replaces the rule's stage from its first to its
last day unless ended early; the rule's own stage is still computed and shown.

Value score (0–100, integer) = weighted mean (weights in LifecycleSettings, default
40/20/15/15/10, rounded down) of five components, each 0–100:
    sales      percentile of trailing-12-month sales within the partner's type, among partners
               active or suspended on the day: 100·(rank−1)/(n−1) with RANK ascending (ties
               share the lower rank; PERCENT_RANK in integer form); others 0
    growth     50 + 50·(last 90 − prior 90)/prior 90, clamped to 0…100 (100 if the prior was 0
               and there are sales now, 0 with no sales at all)
    breadth    distinct products sold in 12 months, 100 at `breadth_target_products` (5)
    customers  distinct customers in 12 months, 100 at `customers_target` (15)
    tenure     days since joining, 100 at `tenure_target_days` (1095)

Risk flags come from the rule registry (lifecycle.risk_rules); severity 1 watch, 2 warning,
3 serious. Risk level (H = `high_value_score`, default 60):
    high    value ≥ H and a serious flag                 ← the early-warning board
    medium  a serious flag, or value ≥ H and a warning
    low     any other flag
    none    no flag

The job: `lifecycle_run_start` plans partner-id range chunks; `lifecycle_run_chunk` (measure.py)
computes one range in one transaction; `lifecycle_run_finish` (finish.py) ranks the whole day
once, then moves state, notifications and plans. See runner.py for forward vs back-fill runs.
"""
from .runner import (  # noqa: F401
    chunk_ranges,
    default_as_of,
    lifecycle_run_chunk,
    lifecycle_run_execute,
    lifecycle_run_fail,
    lifecycle_run_finish,
    lifecycle_run_start,
)
