"""Demo data of the surveys (prm/demo.py step "surveys"): two past quarterly campaigns (closed)
and the current one (open), every active partner invited, about 40% of them answering (demo
partners have no partner users beyond the demo logins: a response names its partner's user where
there is one, else no respondent). Set-based — INSERT … SELECT for the invitations, responses and
answers, with the tables' keys rebuilt once on PostgreSQL — so it stays fast at 100,000 partners.

The answers follow the report's picture: market heat and regulated competition matter a lot and
satisfy little (the weaknesses to fix first); brand influence and technical assurance satisfy;
response time improves from one quarter to the next. Gold partners are a little happier.
"""
from __future__ import annotations

import datetime

from django.db import connection
from django.utils import timezone

from partners.choices import PartnerStatus, Role
from partners.models import Partner, User

from .choices import CampaignKind, CampaignStatus, InvitationStatus
from .models import Answer, Campaign, Invitation, Response, SurveyFactor
from .services import _db_datetime

DEMO_PREFIX = "demo-"
HASH = 7919  # partners answer when (id * HASH) % 100 is below the campaign's rate: a stable ~40%

# factor code -> (importance, satisfaction) around which the answers vary by ±1
PATTERN = {
    "revenue_distribution": (4, 3), "input_cost": (4, 3), "regulated_competition": (5, 2),
    "resource_sharing": (4, 3), "process_smoothness": (3, 3), "response_time": (4, 2),
    "service_efficiency": (4, 3), "brand_influence": (3, 4), "market_heat": (5, 2),
    "continuous_cooperation": (4, 4), "technical_assurance": (4, 4), "training_coaching": (3, 4),
}


def _quarter_start(day: datetime.date) -> datetime.date:
    return datetime.date(day.year, 3 * ((day.month - 1) // 3) + 1, 1)


def _shift_quarters(start: datetime.date, n: int) -> datetime.date:
    month = start.month - 1 + 3 * n
    return datetime.date(start.year + month // 12, month % 12 + 1, 1)


def _at(day: datetime.date, hour: int = 10) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time(hour), tzinfo=timezone.get_current_timezone())


def _quarter_name(start: datetime.date) -> tuple[str, str]:
    q = (start.month - 1) // 3 + 1
    return f"Partner satisfaction {start.year} Q{q}", f"{start.year}年第{q}季度合作伙伴满意度调查"


def _table(model) -> str:
    return connection.ops.quote_name(model._meta.db_table)


def _clamp(expr: str) -> str:
    return f"(CASE WHEN ({expr}) < 1 THEN 1 WHEN ({expr}) > 5 THEN 5 ELSE ({expr}) END)"


def _analyze(*models) -> None:
    """Fresh statistics after a bulk load, so PostgreSQL plans the joins as hash joins (with the
    empty-table estimates it nests loops over tens of thousands of rows)."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            for model in models:
                cursor.execute(f"ANALYZE {_table(model)}")


def _moments(campaign: Campaign, days: int) -> list:
    """Ten submission moments spread over the campaign's first `days` days."""
    return [_db_datetime(_at(campaign.opens_on + datetime.timedelta(days=d * max(days, 1) // 10), 9 + d % 9))
            for d in range(10)]


def _case_moment(column: str) -> str:
    return f"CASE ({column} %% 10) " + " ".join(f"WHEN {n} THEN %s" for n in range(10)) + " END"


def _invite(campaign: Campaign, *, rate: int, closed: bool, moments: list) -> int:
    """Every active partner invited (INSERT … SELECT); the answering ones already marked answered,
    the others pending (open campaign) or expired after two reminders (closed campaign)."""
    answers = f"((p.id * {HASH}) %% 100) < %s"
    invited_at = _db_datetime(_at(campaign.opens_on, 9))
    other = InvitationStatus.EXPIRED if closed else InvitationStatus.PENDING
    with connection.cursor() as cursor:
        cursor.execute(
            f"""INSERT INTO {_table(Invitation)} (campaign_id, partner_id, ticket_id, status, invited_at,
                                                 reminders_sent, answered_at)
            SELECT %s, p.id, NULL, CASE WHEN {answers} THEN %s ELSE %s END, %s,
                   CASE WHEN {answers} THEN 0 ELSE %s END,
                   CASE WHEN {answers} THEN {_case_moment("p.id")} ELSE NULL END
            FROM {_table(Partner)} p WHERE p.status = %s""",
            [campaign.pk, rate, InvitationStatus.ANSWERED, other, invited_at, rate, 2 if closed else 1, rate,
             *moments, PartnerStatus.ACTIVE],
        )
        return cursor.rowcount


def _answer(campaign: Campaign, *, improve: int, moments: list, closed: bool) -> int:
    """Responses (one per answered invitation) and their answers. In closed campaigns the
    respondent is the partner's (demo) partner user where it has one; the open campaign's answers
    name no respondent, so a demo login still finds the open survey waiting for its own answer."""
    inv, usr, resp, par = _table(Invitation), _table(User), _table(Response), _table(Partner)
    respondent = (
        f"(SELECT MIN(u.id) FROM {usr} u WHERE u.partner_id = i.partner_id AND u.role = '{Role.PARTNER.value}')"
        if closed else "NULL"
    )
    with connection.cursor() as cursor:
        cursor.execute(
            f"""INSERT INTO {resp} (invitation_id, campaign_id, partner_id, respondent_id, submitted_at, comment,
                                    partner_type_id, cooperation_model, tier, city_id)
            SELECT i.id, i.campaign_id, i.partner_id, {respondent}, {_case_moment("i.partner_id")}, '',
                   p.partner_type_id, p.cooperation_model, p.tier, p.city_id
            FROM {inv} i
            JOIN {par} p ON p.id = i.partner_id
            WHERE i.campaign_id = %s AND i.status = %s""",
            [*moments, campaign.pk, InvitationStatus.ANSWERED],
        )
        made = cursor.rowcount
        factors = dict(SurveyFactor.objects.values_list("code", "pk"))
        imp_case = "CASE f.id " + " ".join(
            f"WHEN {factors[c]} THEN {v[0]}" for c, v in PATTERN.items() if c in factors) + " ELSE 3 END"
        sat_case = "CASE f.id " + " ".join(
            f"WHEN {factors[c]} THEN {v[1] + (improve if c in ('response_time', 'service_efficiency') else 0)}"
            for c, v in PATTERN.items() if c in factors) + " ELSE 3 END"
        importance = _clamp(f"{imp_case} + ((r.id * 37 + f.id * 11) %% 3) - 1")
        satisfaction = _clamp(
            f"{sat_case} + ((r.id * 53 + f.id * 29) %% 3) - 1"
            " + (CASE WHEN r.tier = 'gold' AND (r.id %% 2) = 0 THEN 1 ELSE 0 END)"
            # each partner's own mood: a tenth unhappy, a quarter lukewarm, the rest content or glad
            " + (CASE WHEN (r.partner_id * 31) %% 20 < 2 THEN -1 WHEN (r.partner_id * 31) %% 20 < 7 THEN 0"
            " WHEN (r.partner_id * 31) %% 20 < 17 THEN 1 ELSE 2 END)"
        )
        through = _table(Campaign.factors.through)
        cursor.execute(
            f"""INSERT INTO {_table(Answer)} (response_id, factor_id, importance, satisfaction)
            SELECT r.id, f.id, {importance}, {satisfaction}
            FROM {resp} r
            JOIN {through} cf ON cf.campaign_id = r.campaign_id
            JOIN {_table(SurveyFactor)} f ON f.id = cf.surveyfactor_id
            WHERE r.campaign_id = %s""",
            [campaign.pk],
        )
    return made


def seed_surveys(ctx) -> str:
    from partners.demo_seed import BulkLoader

    Campaign.objects.filter(code__startswith=DEMO_PREFIX).delete()
    active = Partner.objects.filter(status=PartnerStatus.ACTIVE).count()
    factors = list(SurveyFactor.objects.filter(active=True))
    current = _quarter_start(ctx.today)
    plan = [  # (quarter offset, answer rate %, satisfaction gain of response time, status)
        (-2, 38, 0, CampaignStatus.CLOSED),
        (-1, 42, 1, CampaignStatus.CLOSED),
        (0, 30, 1, CampaignStatus.OPEN),
    ]
    campaigns = []
    for offset, rate, improve, status in plan:
        start = _shift_quarters(current, offset)
        if status == CampaignStatus.OPEN:
            opens = max(start, ctx.today - datetime.timedelta(days=20))
            closes = ctx.today + datetime.timedelta(days=25)
        else:
            opens = start + datetime.timedelta(days=14)
            closes = opens + datetime.timedelta(days=30)
        name, name_zh = _quarter_name(start)
        campaign = Campaign.objects.create(
            code=f"{DEMO_PREFIX}{start.year}q{(start.month - 1) // 3 + 1}", name=name, name_zh=name_zh,
            kind=CampaignKind.PERIODIC, status=status, opens_on=opens, closes_on=closes, remind_every_days=7,
            max_reminders=2, launched_at=_at(opens, 9),
            closed_at=_at(closes, 23) if status == CampaignStatus.CLOSED else None,
        )
        campaign.factors.set(factors)
        campaigns.append((campaign, rate, improve, status, _moments(campaign, (min(closes, ctx.today) - opens).days)))
    loader = BulkLoader()
    responses = 0
    # A large load on PostgreSQL: the tables' keys and indexes are dropped and rebuilt once.
    with loader.bulk_mode([Answer, Response, Invitation], rows=active * 12, log=ctx.log):
        for campaign, rate, improve, status, moments in campaigns:
            _invite(campaign, rate=rate, closed=status == CampaignStatus.CLOSED, moments=moments)
        _analyze(Invitation)
        for campaign, rate, improve, status, moments in campaigns:
            responses += _answer(campaign, improve=improve, moments=moments, closed=status == CampaignStatus.CLOSED)
    _analyze(Invitation, Response, Answer)
    from .analysis.cube import cube_rebuild

    cube_rebuild()
    return f"3 quarterly campaigns, {active} partners invited each, {responses} responses"
