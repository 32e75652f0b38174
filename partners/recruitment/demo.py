"""Demo data for recruitment: a few hundred prospects and applications over the last 18 months
in every status. Accepted ones are linked to demo partners that joined on the decision day, so
the partner registry's counts stay as seed_demo made them. Deterministic (ctx.rng) and
bulk-inserted: a few hundred rows whatever the number of partners."""
from __future__ import annotations

import datetime

from django.utils import timezone

from partners.choices import CooperationModel, Role
from partners.models import CityBranch, Partner, PartnerType, Product, User

from .choices import EventKind, ProspectSource, ProspectStatus
from .models import Prospect, ProspectEvent
from .services import company_key

HOW_MANY = 320
DEMO_EMAIL_PREFIX = "demo-applicant-"
WORDS = ["信通", "云联", "数智", "华讯", "锦程", "天府", "蜀达", "恒信", "博远", "联创", "智汇", "广达"]
SUFFIXES = ["科技有限公司", "通信有限公司", "信息技术有限公司", "网络科技有限公司", "电子商务有限公司"]
FAMILY = ["王", "李", "张", "刘", "陈", "杨", "黄", "赵", "周", "吴"]
GIVEN = ["伟", "芳", "娜", "敏", "静", "磊", "洋", "勇", "艳", "杰"]
REASONS = [
    "No business licence for telecom resale.",
    "Outside our target customer segments for now.",
    "Overlaps an existing partner in the same district.",
    "资质材料不完整。",
]


def _moment(day: datetime.date, hour: int) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour, 0)))


def seed_recruitment(ctx) -> str:
    # seed_demo runs its steps on fresh (or --reset) data: earlier demo prospects are replaced,
    # anything else (real prospects) is left alone.
    Prospect.objects.filter(email_key__startswith=DEMO_EMAIL_PREFIX).delete()
    if Prospect.objects.exists():
        return "prospects exist, left alone"
    rng = ctx.rng("recruitment")
    today = ctx.today
    start = today - datetime.timedelta(days=540)
    types = list(PartnerType.objects.filter(active=True).values_list("id", flat=True))
    cities = list(CityBranch.objects.values_list("id", flat=True))
    products = list(Product.objects.filter(active=True).values_list("id", flat=True))
    managers = list(User.objects.filter(role=Role.CHANNEL_MANAGER, is_active=True).values_list("id", flat=True))
    admin = User.objects.filter(role=Role.ADMIN).values_list("id", flat=True).first()
    if not types or not cities:
        return "no reference data"
    # Partners that joined in the window: the accepted applications become them.
    # (two narrow queries: at 100,000 partners the window holds tens of thousands of them)
    window = list(
        Partner.objects.filter(joined_on__gt=start + datetime.timedelta(days=60), joined_on__lte=today)
        .order_by("joined_on", "id").values_list("id", flat=True)
    )
    step = max(1, len(window) // 400)
    picked = window[::step][:400]
    joined = list(
        Partner.objects.filter(id__in=picked).order_by("id")
        .values_list("id", "joined_on", "partner_type_id", "city_id", "name", "cooperation_model")
    )
    rng.shuffle(joined)
    prospects, plans = [], []
    for i in range(HOW_MANY):
        staff = rng.random() < 0.4
        entered = start + datetime.timedelta(days=rng.randrange(0, 540))
        name = f"{rng.choice(WORDS)}{rng.choice(WORDS)}{rng.choice(SUFFIXES)}"
        contact = f"{rng.choice(FAMILY)}{rng.choice(GIVEN)}"
        fields = dict(
            company_name=name, company_key=company_key(name), partner_type_id=rng.choice(types),
            cooperation_model=rng.choice(CooperationModel.values), city_id=rng.choice(cities), contact_name=contact,
            contact_phone=f"13{rng.randrange(100000000, 999999999)}", contact_email=f"{DEMO_EMAIL_PREFIX}{i}@example.com",
            email_key=f"{DEMO_EMAIL_PREFIX}{i}@example.com", source=ProspectSource.STAFF if staff else ProspectSource.APPLICATION,
            owner_id=rng.choice(managers) if managers and (staff or rng.random() < 0.5) else None,
            message="" if staff else "我们在本地服务中小企业客户，希望代理企业通信产品。",
        )
        age = (today - entered).days
        roll = rng.random()
        applied = (not staff) or (age > 20 and roll < 0.55)
        applied_on = None
        if applied:
            applied_on = entered if not staff else min(today, entered + datetime.timedelta(days=rng.randrange(3, 60)))
        status, decided_on, reason = (ProspectStatus.APPLIED if applied else ProspectStatus.PROSPECT), None, ""
        partner = None
        if applied:
            wait = (today - applied_on).days
            outcome = rng.random()
            if outcome < 0.5 and not joined:  # no demo partner left to become: another outcome
                outcome = 0.5 + outcome
            if wait > 10 and outcome < 0.5:
                partner = joined.pop()
                status, decided_on = ProspectStatus.ACCEPTED, partner[1]
                applied_on = decided_on - datetime.timedelta(days=rng.randrange(3, 30))
                entered = applied_on - datetime.timedelta(days=rng.randrange(5, 60)) if staff else applied_on
                fields.update(company_name=partner[4], company_key=company_key(partner[4]),
                              partner_type_id=partner[2], city_id=partner[3], cooperation_model=partner[5])
            elif wait > 10 and outcome < 0.75:
                status = ProspectStatus.REJECTED
                decided_on = min(today, applied_on + datetime.timedelta(days=rng.randrange(2, 30)))
                reason = rng.choice(REASONS)
            elif wait > 10 and outcome < 0.82:
                status = ProspectStatus.WITHDRAWN
                decided_on = min(today, applied_on + datetime.timedelta(days=rng.randrange(2, 40)))
        elif staff and age > 90 and roll > 0.85:
            status, decided_on = ProspectStatus.WITHDRAWN, entered + datetime.timedelta(days=rng.randrange(10, 80))
        prospects.append(Prospect(
            **fields, status=status, entered_on=entered, applied_on=applied_on, decided_on=decided_on,
            created_at=_moment(entered, 10), applied_at=_moment(applied_on, 11) if applied_on else None,
            decided_at=_moment(decided_on, 15) if decided_on else None,
            decided_by_id=(admin if decided_on else None), reject_reason=reason,
            partner_id=partner[0] if partner else None,
        ))
        plans.append(rng.sample(products, k=min(len(products), rng.randrange(0, 4))) if products else [])
    Prospect.objects.bulk_create(prospects, batch_size=500)
    links, events = [], []
    through = Prospect.products.through
    for prospect, chosen in zip(prospects, plans):
        links.extend(through(prospect_id=prospect.pk, product_id=pid) for pid in chosen)
        if prospect.source == ProspectSource.STAFF:
            events.append(ProspectEvent(prospect=prospect, kind=EventKind.CREATED, to_status=ProspectStatus.PROSPECT,
                                        by_id=prospect.owner_id, at=prospect.created_at))
        if prospect.applied_on:
            events.append(ProspectEvent(
                prospect=prospect, kind=EventKind.APPLIED, to_status=ProspectStatus.APPLIED, at=prospect.applied_at,
                from_status=ProspectStatus.PROSPECT if prospect.source == ProspectSource.STAFF else "",
            ))
        if prospect.decided_on:
            kind = {ProspectStatus.ACCEPTED: EventKind.ACCEPTED, ProspectStatus.REJECTED: EventKind.REJECTED}.get(
                prospect.status, EventKind.WITHDRAWN)
            events.append(ProspectEvent(
                prospect=prospect, kind=kind, to_status=prospect.status, at=prospect.decided_at,
                from_status=ProspectStatus.APPLIED if prospect.applied_on else ProspectStatus.PROSPECT,
                by_id=prospect.decided_by_id, note=prospect.reject_reason,
            ))
    through.objects.bulk_create(links, batch_size=2000)
    ProspectEvent.objects.bulk_create(events, batch_size=2000)
    accepted = sum(1 for p in prospects if p.status == ProspectStatus.ACCEPTED)
    return f"{len(prospects)} prospects and applications ({accepted} accepted, linked to demo partners)"
