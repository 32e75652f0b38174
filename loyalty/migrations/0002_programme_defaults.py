"""Sensible defaults for the loyalty programme (administrators and product managers edit them).

Earning: 1 point per 100 CNY of any sale; configuration/development products (which need
integration work) 2 points; system integrators selling them 3 points. Tiers: certified needs
5,000 qualifying points in 12 months, a trained person and no open compliance issue, and earns
10 % more; gold needs 20,000 points, two trained people, no open compliance issue and 10 active
customers, and earns 25 % more. Rewards: the benefits beyond commission named in the
operator's report (market development funds, training, marketing and publicity support, the
licence to use the operator's logo, priority after-sales support).
"""
import datetime
from decimal import Decimal

from django.db import migrations

TIERS = [
    # tier, rank, min_points, trained, max_open_issues, active_customers, multiplier %
    ("registered", 0, 0, 0, None, 0, 100),
    ("certified", 1, 5000, 1, 0, 0, 110),
    ("gold", 2, 20000, 2, 0, 10, 125),
]

RULES = [
    # name, name_zh, kind, product_type, partner_type code, points, per_amount, priority, extra
    ("Standard: every sale", "标准积分:所有销售", "base", "", None, 1, "100.00", 0, {}),
    ("Configuration/development products", "配置开发型产品", "base", "configuration", None, 2, "100.00", 0, {}),
    ("System integrators: configuration/development products", "系统集成商:配置开发型产品", "base",
     "configuration", "SI", 3, "100.00", 0, {}),
    ("Sales agents: SME push on simple standard products", "销售代理:简单标准型产品中小企业推广", "promotion",
     "simple_standard", "SA", 1, "100.00", 0,
     {"valid_from": datetime.date(2026, 10, 1), "valid_to": datetime.date(2026, 12, 31), "cap_per_partner": 5000,
      "cap_per_sale": 500}),
]

REWARDS = [
    # code, category, name, name_zh, description, description_zh, cost, stock, min_tier, order
    ("mdf-5000", "market_funds", "Market development funds, CNY 5,000", "市场拓展基金 5,000 元",
     "Co-funding of a local market campaign, paid against receipts.", "用于本地市场推广活动的联合资金,凭票据报销。",
     5000, 20, "certified", 10),
    ("training-seat", "training", "Training seat at the partner academy", "合作伙伴培训名额",
     "One seat on a product or solution course; the trainee counts towards tier prerequisites.",
     "一个产品或解决方案课程名额;受训人员计入认证等级前提条件。", 800, 50, "registered", 20),
    ("marketing-kit", "marketing", "Marketing and publicity support package", "市场宣传支持套餐",
     "Co-branded leaflets, a listing in the operator's partner directory and advertising support.",
     "联合品牌宣传资料、运营商合作伙伴名录展示及广告支持。", 2000, None, "registered", 30),
    ("logo-licence", "logo_licence", "Licence to use the operator's logo (one year)", "运营商标识使用授权(一年)",
     "Use the operator's logo and certification mark in your own materials for twelve months.",
     "十二个月内在自有宣传材料中使用运营商标识及认证标志。", 3000, None, "certified", 40),
    ("priority-support", "after_sales", "Priority after-sales support (six months)", "优先售后支持(六个月)",
     "Your customers' faults are handled first by the operator's technical service for six months.",
     "六个月内,您客户的故障由运营商技术服务优先处理。", 4000, None, "certified", 50),
]


def load(apps, schema_editor):
    TierLevel = apps.get_model("loyalty", "TierLevel")
    EarningRule = apps.get_model("loyalty", "EarningRule")
    Reward = apps.get_model("loyalty", "Reward")
    PartnerType = apps.get_model("partners", "PartnerType")
    for tier, rank, points, trained, issues, customers, pct in TIERS:
        TierLevel.objects.update_or_create(
            tier=tier,
            defaults=dict(rank=rank, min_points=points, min_trained_people=trained,
                          max_open_compliance_issues=issues, min_active_customers=customers, earn_multiplier_pct=pct),
        )
    if not EarningRule.objects.exists():
        for name, name_zh, kind, product_type, type_code, points, per, priority, extra in RULES:
            EarningRule.objects.create(
                name=name, name_zh=name_zh, kind=kind, product_type=product_type,
                partner_type=PartnerType.objects.filter(code=type_code).first() if type_code else None,
                points=points, per_amount=Decimal(per), priority=priority, **extra,
            )
    for code, category, name, name_zh, desc, desc_zh, cost, stock, tier, order in REWARDS:
        Reward.objects.update_or_create(
            code=code,
            defaults=dict(category=category, name=name, name_zh=name_zh, description=desc, description_zh=desc_zh,
                          cost_points=cost, stock=stock, min_tier=tier, sort_order=order),
        )


class Migration(migrations.Migration):
    dependencies = [("loyalty", "0001_initial"), ("partners", "0002_reference_data")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
