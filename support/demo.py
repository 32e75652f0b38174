"""Demo step (prm/demo.py): a year of support requests for the demo partners, so the support
queue, the SLA compliance report, the support risk flag and the three-contradictions REGULATE
indicators show realistic figures.

Each request is routed and given its SLA policy by the support services' own rules
(`route_centre`, `policy_select`), gets a plausible history (first reply, milestones, a wait on
the partner now and then, resolution, closing, an occasional reopening, a rating), and its
committed-time records are computed from that history by the SLA engine (support/sla.py) the
way `clocks.sla_sync` does — then everything is written with bulk inserts. Delivery requests
(capability) miss their commitments most often, as the operator's report warns, and every
centre gets a little better over the year. Requests opened lately may still be open.

Deterministic for a seed (ctx.rng("support")); the number of requests is bounded, so the step
stays quick at 100,000 partners.
"""
from __future__ import annotations

import datetime as dt

from django.utils import timezone

from partners.choices import PartnerStatus

MAX_TICKETS = 1500
DAYS = 365

SUBJECTS = {
    "market": ["申请市场推广物料", "联合营销活动支持"],
    "service": ["客户投诉处理协助", "服务开通进度查询"],
    "process": ["合同审批流程咨询", "结算流程异常"],
    "regulation": ["渠道规范咨询", "违规积分申诉"],
    "sales": ["大客户方案支持", "报价审批"],
    "training": ["新产品培训申请", "认证考试报名"],
    "technical": ["企信通接口故障", "MAS 信息机配置问题"],
    "capability": ["专线开通申请", "DDN 电路开通", "短号集群网开通"],
}
# How often a centre's committed times run late, at the start of the year (improving to half by its end).
LATENESS = {"COS": 0.45, "COP": 0.25, "BAS": 0.15}
PRIORITIES = (["normal"] * 12) + (["low"] * 3) + (["high"] * 4) + ["urgent"]


def _now(ctx) -> dt.datetime:
    if ctx.today >= timezone.localdate():
        return timezone.now()
    return timezone.make_aware(dt.datetime.combine(ctx.today, dt.time(23, 0)))


def _factor(rng, late_share: float) -> float:
    """How long a step takes against its target: mostly well within, sometimes over."""
    if rng.random() < late_share:
        return 1.0 + rng.expovariate(1.5)
    return max(0.05, min(0.98, rng.betavariate(2.0, 2.5)))


def seed_support_tickets(ctx) -> str:
    from partners.models import Partner

    from . import services
    from .choices import EventKind, SlaStatus, TargetKind, TicketStatus
    from .clocks import _next_escalation, policy_calendar, working_calendar
    from .models import SatisfactionRating, SlaRecord, Ticket, TicketEvent, TicketMessage
    from .sla import TargetSpec, Timeline, evaluate, target_duration
    from .business_time import add_working_time

    rng = ctx.rng("support")
    now = _now(ctx)
    start_day = ctx.today - dt.timedelta(days=DAYS)
    partner_ids = list(
        Partner.objects.filter(status__in=[PartnerStatus.ACTIVE, PartnerStatus.SUSPENDED], joined_on__lte=start_day)
        .order_by("pk").values_list("pk", flat=True)
    )
    if not partner_ids:
        return "no active partners: no support requests"
    count = min(MAX_TICKETS, len(partner_ids) * 3)
    chosen = sorted(rng.choice(partner_ids) for _ in range(count))
    partners = {
        p.pk: p for p in Partner.objects.filter(pk__in=set(chosen)).only("id", "tier", "partner_type_id", "cooperation_model")
    }

    routes, policies, targets, calendars = {}, {}, {}, {}
    plans = []  # (ticket, events, message, records, rating)
    for partner_id in chosen:
        partner = partners[partner_id]
        category = rng.choice(list(SUBJECTS))
        priority = rng.choice(PRIORITIES)
        # The services' own rules, asked once per combination of what they look at.
        route_key = (category, partner.cooperation_model, partner.partner_type_id)
        if route_key not in routes:
            routes[route_key] = services.route_centre(category=category, product=None, partner=partner)
        policy_key = (category, priority, partner.tier, partner.partner_type_id)
        if policy_key not in policies:
            policies[policy_key] = services.policy_select(category=category, priority=priority, partner=partner)
        centre, policy = routes[route_key], policies[policy_key]
        if policy is None:
            continue
        if policy.pk not in targets:
            targets[policy.pk] = list(policy.targets.order_by("order", "id"))
            calendars[policy.pk] = working_calendar(policy_calendar(policy))
        cal = calendars[policy.pk]
        specs = [
            (t, TargetSpec(code=t.code, kind=t.kind, amount=target_duration(cal, t.amount, t.unit), pauses=t.pauses,
                           warn_percent=policy.warn_percent))
            for t in targets[policy.pk]
        ]
        age = rng.random()  # 1 = a year ago, 0 = today
        day = ctx.today - dt.timedelta(days=int(age * DAYS))
        opened = add_working_time(cal, timezone.make_aware(dt.datetime.combine(day, dt.time.min)),
                                  dt.timedelta(minutes=rng.randint(0, 420)))
        if opened >= now:
            continue
        late = LATENESS.get(centre.code if centre else "", 0.2) * (0.5 + 0.5 * age)
        amount = {s.kind if s.kind != TargetKind.MILESTONE else s.code: s.amount for _t, s in specs}

        def after(base, key_, share=late):
            return add_working_time(cal, base, amount.get(key_, dt.timedelta(hours=8)) * _factor(rng, share))

        statuses = [(opened, TicketStatus.NEW)]
        events = [(EventKind.CREATED, "", TicketStatus.NEW, opened)]
        first_response = after(opened, TargetKind.FIRST_RESPONSE)
        milestones = {}
        resolved = after(opened, TargetKind.RESOLUTION)
        for _t, spec in specs:
            if spec.kind == TargetKind.MILESTONE:
                milestones[spec.code] = min(after(opened, spec.code), resolved)
        resolved = max([resolved, first_response, *milestones.values()])
        message = None
        if first_response < now:
            message = first_response
            statuses.append((first_response, TicketStatus.ACKNOWLEDGED))
            events += [(EventKind.REPLY, "", "", first_response),
                       (EventKind.STATUS, TicketStatus.NEW, TicketStatus.ACKNOWLEDGED, first_response)]
            current = TicketStatus.ACKNOWLEDGED
            if rng.random() < 0.2:  # waited on the partner for a while
                wait = first_response + (resolved - first_response) / 3
                back = wait + dt.timedelta(hours=rng.randint(2, 72))
                if back < resolved and back < now:
                    statuses += [(wait, TicketStatus.WAITING_ON_PARTNER), (back, TicketStatus.IN_PROGRESS)]
                    events += [(EventKind.STATUS, current, TicketStatus.WAITING_ON_PARTNER, wait),
                               (EventKind.STATUS, TicketStatus.WAITING_ON_PARTNER, TicketStatus.IN_PROGRESS, back)]
                    current = TicketStatus.IN_PROGRESS
                    resolved = resolved + (back - wait)
            for code, when in sorted(milestones.items(), key=lambda item: item[1]):
                if when < now:
                    events.append((EventKind.MILESTONE, "", code, when))
            if resolved < now:
                statuses.append((resolved, TicketStatus.RESOLVED))
                events.append((EventKind.STATUS, current, TicketStatus.RESOLVED, resolved))
                current = TicketStatus.RESOLVED
                if rng.random() < 0.06:  # the partner reopened it; solved again later
                    reopened = resolved + dt.timedelta(hours=rng.randint(4, 48))
                    again = add_working_time(cal, reopened, dt.timedelta(hours=rng.randint(2, 30)))
                    if again < now:
                        statuses += [(reopened, TicketStatus.REOPENED), (again, TicketStatus.RESOLVED)]
                        events += [(EventKind.STATUS, TicketStatus.RESOLVED, TicketStatus.REOPENED, reopened),
                                   (EventKind.STATUS, TicketStatus.REOPENED, TicketStatus.RESOLVED, again)]
                        resolved = again
                    else:
                        statuses.append((reopened, TicketStatus.REOPENED))
                        events.append((EventKind.STATUS, TicketStatus.RESOLVED, TicketStatus.REOPENED, reopened))
                        current = TicketStatus.REOPENED
                closed = resolved + dt.timedelta(days=rng.randint(1, 5))
                if current == TicketStatus.RESOLVED and closed < now and rng.random() < 0.8:
                    statuses.append((closed, TicketStatus.CLOSED))
                    events.append((EventKind.STATUS, TicketStatus.RESOLVED, TicketStatus.CLOSED, closed))
                    current = TicketStatus.CLOSED
        else:
            current = TicketStatus.NEW
        timeline = Timeline(opened_at=opened, statuses=statuses, responses=[message] if message else [],
                            milestones={c: w for c, w in milestones.items() if w < now and message})
        records, any_breach = [], False
        for target, spec in specs:
            result = evaluate(cal, spec, timeline, now)
            record = SlaRecord(
                target=target, code=target.code, kind=target.kind, name=target.name, name_zh=target.name_zh,
                pauses=target.pauses, target_seconds=int(spec.amount.total_seconds()), started_at=opened,
                status=result.status, due_at=result.due_at, warn_at=result.warn_at, met_at=result.met_at,
                breached_at=result.breached_at, paused_seconds=int(result.paused.total_seconds()),
                paused_since=result.paused_since, consumed_seconds=max(0, int(result.consumed.total_seconds())),
                escalation_level=1 if result.status == SlaStatus.BREACHED else 0,
            )
            record.next_escalation_at = _next_escalation(record, policy)
            if result.breached_at is not None:
                any_breach = True
                events.append((EventKind.SLA_BREACH, "", target.code, result.breached_at))
            records.append(record)
        rating = None
        if current in (TicketStatus.RESOLVED, TicketStatus.CLOSED) and rng.random() < 0.6:
            rated_at = resolved + dt.timedelta(hours=rng.randint(1, 30))
            if rated_at < now:
                weights = (0.18, 0.22, 0.3, 0.2, 0.1) if any_breach else (0.02, 0.04, 0.14, 0.4, 0.4)
                score = rng.choices([1, 2, 3, 4, 5], weights=weights)[0]
                rating = (score, rated_at)
                events.append((EventKind.RATED, "", str(score), rated_at))
        ticket = Ticket(
            partner_id=partner_id, category=category, priority=priority, status=current, centre=centre, policy=policy,
            subject=rng.choice(SUBJECTS[category]), description="演示数据：合作伙伴提交的支持请求。",
            opened_at=opened, first_response_at=message,
            resolved_at=resolved if current in (TicketStatus.RESOLVED, TicketStatus.CLOSED) else None,
            closed_at=statuses[-1][0] if current == TicketStatus.CLOSED else None,
        )
        plans.append((ticket, events, message, records, rating))

    tickets = Ticket.objects.bulk_create([p[0] for p in plans], batch_size=500)
    event_rows, message_rows, record_rows, rating_rows = [], [], [], []
    for ticket, (_t, events, message, records, rating) in zip(tickets, plans):
        for kind, old, new, at in sorted(events, key=lambda e: e[3]):
            event_rows.append(TicketEvent(ticket=ticket, kind=kind, old_value=old, new_value=new, at=at))
        if message:
            message_rows.append(TicketMessage(ticket=ticket, body="您好，已收到您的请求，正在处理。", created_at=message))
        for record in records:
            record.ticket = ticket
            record_rows.append(record)
        if rating:
            rating_rows.append(SatisfactionRating(ticket=ticket, partner_id=ticket.partner_id, score=rating[0],
                                                  created_at=rating[1]))
    TicketEvent.objects.bulk_create(event_rows, batch_size=1000)
    TicketMessage.objects.bulk_create(message_rows, batch_size=1000)
    SlaRecord.objects.bulk_create(record_rows, batch_size=1000)
    SatisfactionRating.objects.bulk_create(rating_rows, batch_size=1000)
    still_open = sum(1 for t in tickets if t.status not in (TicketStatus.RESOLVED, TicketStatus.CLOSED))
    breached = sum(1 for r in record_rows if r.breached_at is not None)
    return (f"{len(tickets)} support requests ({still_open} open), {len(record_rows)} committed times "
            f"({breached} breached), {len(rating_rows)} ratings")
