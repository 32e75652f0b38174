"""Seed data: the three service centres, the default Asia/Shanghai calendar with China's 2026
public holidays and make-up working days, default routing rules and SLA policies.

Defaults (administrators edit all of it):

* Calendar: Monday–Friday 09:00–12:00 and 13:30–17:30 (a working day is 7 hours).
* 2026 (State Council notice): New Year 1–3 Jan (work Sun 4 Jan); Spring Festival 15–23 Feb
  (work Sat 14 Feb, Sat 28 Feb); Qingming 4–6 Apr; Labour Day 1–5 May (work Sat 9 May);
  Dragon Boat 19–21 Jun; Mid-Autumn 25–27 Sep; National Day 1–7 Oct (work Sun 20 Sep, Sat 10 Oct).
* Routing: capability requests, technical requests about configuration/development products and
  capability-provision partners go to the capability opening service centre; co-operation and
  co-expansion partners, process and regulation requests to the co-operation service centre;
  everything else to the business agent service centre.
* SLA policies (first match wins): delivery requests (capability provision) carry the
  report's commitments, resources confirmed in 3 working days and delivered in 11; gold
  partners are promised faster times throughout.
"""
import datetime as dt

from django.db import migrations

CENTRES = [
    ("BAS", "Business agent service centre", "业务代理服务中心",
     "Sales agents: market, sales, service and training support."),
    ("COS", "Capability opening service centre", "能力开放服务中心",
     "Capability provision and technical support for configuration/development products."),
    ("COP", "Co-operation service centre", "合作运营服务中心",
     "Co-operation and co-expansion partners: process, regulation and joint operations."),
]

WINDOWS = [(dt.time(9, 0), dt.time(12, 0)), (dt.time(13, 30), dt.time(17, 30))]

HOLIDAYS_2026 = [
    ("New Year's Day", "元旦", [dt.date(2026, 1, d) for d in (1, 2, 3)]),
    ("Spring Festival", "春节", [dt.date(2026, 2, d) for d in range(15, 24)]),
    ("Qingming Festival", "清明节", [dt.date(2026, 4, d) for d in (4, 5, 6)]),
    ("Labour Day", "劳动节", [dt.date(2026, 5, d) for d in range(1, 6)]),
    ("Dragon Boat Festival", "端午节", [dt.date(2026, 6, d) for d in (19, 20, 21)]),
    ("Mid-Autumn Festival", "中秋节", [dt.date(2026, 9, d) for d in (25, 26, 27)]),
    ("National Day", "国庆节", [dt.date(2026, 10, d) for d in range(1, 8)]),
]
MAKEUP_2026 = [
    (dt.date(2026, 1, 4), "New Year's Day make-up working day", "元旦调休上班"),
    (dt.date(2026, 2, 14), "Spring Festival make-up working day", "春节调休上班"),
    (dt.date(2026, 2, 28), "Spring Festival make-up working day", "春节调休上班"),
    (dt.date(2026, 5, 9), "Labour Day make-up working day", "劳动节调休上班"),
    (dt.date(2026, 9, 20), "National Day make-up working day", "国庆节调休上班"),
    (dt.date(2026, 10, 10), "National Day make-up working day", "国庆节调休上班"),
]

# (order, name, category, product_type, cooperation_model, centre)
ROUTING = [
    (10, "Capability requests", "capability", "", "", "COS"),
    (20, "Technical requests on configuration products", "technical", "configuration", "", "COS"),
    (30, "Capability-provision partners", "", "", "capability_provision", "COS"),
    (40, "Co-operation partners", "", "", "co_operation", "COP"),
    (50, "Co-expansion partners", "", "", "co_expansion", "COP"),
    (60, "Process requests", "process", "", "", "COP"),
    (70, "Regulation requests", "regulation", "", "", "COP"),
    (1000, "Everything else", "", "", "", "BAS"),
]

FR = ("first_response", "first_response", "First response", "首次响应", False)
RES = ("resolution", "resolution", "Resolution", "解决", True)
RESOURCES = ("milestone", "resources_confirmed", "Resources confirmed", "资源确认", True)
DELIVERED = ("milestone", "delivered", "Delivered", "开通交付", True)

# (order, name, name_zh, conditions, targets [(spec, amount, unit)], default)
POLICIES = [
    (10, "Gold partners: delivery requests", "金牌伙伴：开通交付类请求", {"tier": "gold", "category": "capability"},
     [(FR, 2, "hours"), (RESOURCES, 2, "days"), (DELIVERED, 8, "days"), (RES, 8, "days")], False),
    (20, "Delivery requests", "开通交付类请求", {"category": "capability"},
     [(FR, 4, "hours"), (RESOURCES, 3, "days"), (DELIVERED, 11, "days"), (RES, 11, "days")], False),
    (30, "Gold partners: urgent", "金牌伙伴：紧急", {"tier": "gold", "priority": "urgent"},
     [(FR, 30, "minutes"), (RES, 1, "days")], False),
    (40, "Urgent", "紧急", {"priority": "urgent"}, [(FR, 1, "hours"), (RES, 2, "days")], False),
    (50, "Gold partners", "金牌伙伴", {"tier": "gold"}, [(FR, 2, "hours"), (RES, 3, "days")], False),
    (60, "High priority", "高优先级", {"priority": "high"}, [(FR, 4, "hours"), (RES, 3, "days")], False),
    (1000, "Standard", "标准", {}, [(FR, 1, "days"), (RES, 5, "days")], True),
]


def load(apps, schema_editor):
    ServiceCentre = apps.get_model("support", "ServiceCentre")
    BusinessCalendar = apps.get_model("support", "BusinessCalendar")
    CalendarWindow = apps.get_model("support", "CalendarWindow")
    CalendarDay = apps.get_model("support", "CalendarDay")
    RoutingRule = apps.get_model("support", "RoutingRule")
    SlaPolicy = apps.get_model("support", "SlaPolicy")
    SlaTarget = apps.get_model("support", "SlaTarget")

    centres = {}
    for code, name, name_zh, description in CENTRES:
        centres[code], _ = ServiceCentre.objects.update_or_create(
            code=code, defaults={"name": name, "name_zh": name_zh, "description": description}
        )

    calendar, created = BusinessCalendar.objects.get_or_create(
        name="China mainland (Asia/Shanghai)", defaults={"timezone": "Asia/Shanghai", "is_default": True}
    )
    if created:
        CalendarWindow.objects.bulk_create(
            CalendarWindow(calendar=calendar, weekday=weekday, start=start, end=end)
            for weekday in range(5)
            for start, end in WINDOWS
        )
        days = [
            CalendarDay(calendar=calendar, date=day, kind="holiday", name=f"{name_zh} {name}")
            for name, name_zh, dates in HOLIDAYS_2026
            for day in dates
        ]
        days += [
            CalendarDay(calendar=calendar, date=day, kind="workday", name=f"{name_zh} {name}", works_as=0)
            for day, name, name_zh in MAKEUP_2026
        ]
        CalendarDay.objects.bulk_create(days)

    if not RoutingRule.objects.exists():
        RoutingRule.objects.bulk_create(
            RoutingRule(order=order, name=name, category=category, product_type=product_type,
                        cooperation_model=model, centre=centres[centre])
            for order, name, category, product_type, model, centre in ROUTING
        )

    if not SlaPolicy.objects.exists():
        for order, name, name_zh, conditions, targets, default in POLICIES:
            policy = SlaPolicy.objects.create(
                order=order, name=name, name_zh=name_zh, is_default=default, warn_percent=80,
                escalate_after_minutes=4 * 60, escalate_further_after_minutes=24 * 60, **conditions,
            )
            SlaTarget.objects.bulk_create(
                SlaTarget(policy=policy, kind=kind, code=code, name=t_name, name_zh=t_name_zh, pauses=pauses,
                          amount=amount, unit=unit, order=index)
                for index, ((kind, code, t_name, t_name_zh, pauses), amount, unit) in enumerate(targets)
            )


class Migration(migrations.Migration):
    dependencies = [("support", "0001_initial"), ("partners", "0002_reference_data")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
