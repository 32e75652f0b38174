"""Default lifecycle settings, stage thresholds per core partner type, and bilingual stage playbooks.

The values are the documented defaults (lifecycle/engine/__init__.py); administrators change
them in the admin site or through the API. Re-running leaves edited rows alone.
"""
from decimal import Decimal

from django.db import migrations

THRESHOLDS = {
    # partner type code (None: default) -> (maturity 12-month sales, drop rule minimum prior 90-day sales)
    None: (Decimal("200000.00"), Decimal("20000.00")),
    "SA": (Decimal("150000.00"), Decimal("10000.00")),
    "ISV": (Decimal("500000.00"), Decimal("40000.00")),
    "SI": (Decimal("500000.00"), Decimal("40000.00")),
}

PLAYBOOKS = {
    "A": (
        "How do we find and acquire potential partners?",
        "如何发现并获取潜在合作伙伴？",
        [
            ("Place the partner on the resource allocation grid (intrinsic attractiveness × capability fit).",
             "按资源分配平衡模型（本质吸引力 × 能力适应度）评估合作伙伴。"),
            ("Agree the cooperation model and the authorised products.", "明确合作类型与授权产品。"),
            ("Run onboarding training on processes and products.", "开展流程与产品入门培训。"),
            ("Help close the first sale within 90 days: joint visits, demonstrations, quotations.",
             "90 天内协助完成首单：联合拜访、产品演示、报价支持。"),
        ],
    ),
    "B": (
        "How do we make the partner grow fast?",
        "如何让合作伙伴快速成长？",
        [
            ("Set quarterly sales targets and review them every month.", "设定季度销售目标，并按月回顾。"),
            ("Extend the authorised products to a second product line.", "将授权产品扩展到第二条产品线。"),
            ("Coach the partner towards certification (registered → certified).", "辅导合作伙伴认证晋级（注册 → 认证）。"),
            ("Give market and sales support: leads, joint promotion, training.", "提供市场与销售支持：商机线索、联合推广、培训辅导。"),
        ],
    ),
    "C": (
        "How do we lead the partner to new products and new markets?",
        "如何引导合作伙伴拓展新产品和新市场？",
        [
            ("Introduce configuration/development products (MAS, Push Mail, industry applications).",
             "引入配置开发型产品（MAS 信息机、Push Mail、行业应用）。"),
            ("Open A/B-class key-account work together with customer managers.", "与客户经理合作拓展 A/B 类集团客户。"),
            ("Offer gold-certified benefits and co-marketing.", "提供金牌认证权益与联合营销。"),
            ("Hold a yearly strategic review with the partner's management.", "与合作伙伴管理层进行年度战略沟通。"),
        ],
    ),
    "D": (
        "Which partners are at high risk, and how do we retain them?",
        "哪些是高危合作伙伴？如何挽留？",
        [
            ("Read the early-warning evidence and talk to the partner within a week.", "查看预警依据，一周内与合作伙伴沟通。"),
            ("Find the reason: revenue distribution, process, support, competition.", "查明原因：分配模式、流程、支持服务、竞争。"),
            ("Open a retention plan with the fitting lever: A operational improvement, B targeted retention, "
             "C loyalty reward.",
             "选择合适的杠杆制定挽留计划：A 运作水平提高、B 针对性保留计划、C 忠诚度回报计划。"),
            ("Resolve the partner's open support requests first.", "优先解决合作伙伴未关闭的支持请求。"),
        ],
    ),
    "E": (
        "How do we win back high-value partners?",
        "如何赢回高价值合作伙伴？",
        [
            ("Record why the partner left: transfer or elimination.", "记录离网原因：转移或淘汰。"),
            ("For a high-value partner, open a win-back plan within a month.", "对高价值合作伙伴，一个月内制定赢回计划。"),
            ("Offer a tailored package: revenue share, support, training.", "提供有针对性的方案：分成比例、支持服务、培训。"),
            ("If it is not won back, close its open obligations cleanly.", "无法赢回时，妥善结清未了事项。"),
        ],
    ),
}


def load(apps, schema_editor):
    LifecycleSettings = apps.get_model("lifecycle", "LifecycleSettings")
    StageThreshold = apps.get_model("lifecycle", "StageThreshold")
    StagePlaybook = apps.get_model("lifecycle", "StagePlaybook")
    PartnerType = apps.get_model("partners", "PartnerType")

    LifecycleSettings.objects.get_or_create(pk=1)
    types = {t.code: t for t in PartnerType.objects.filter(code__in=[c for c in THRESHOLDS if c])}
    for code, (maturity, min_prior) in THRESHOLDS.items():
        if code is not None and code not in types:
            continue
        partner_type = types.get(code)
        if not StageThreshold.objects.filter(partner_type=partner_type).exists():
            StageThreshold.objects.create(
                partner_type=partner_type, maturity_sales_12m=maturity, decline_min_prior_sales=min_prior
            )
    for stage, (question_en, question_zh, actions) in PLAYBOOKS.items():
        StagePlaybook.objects.get_or_create(
            stage=stage,
            defaults={
                "question_en": question_en,
                "question_zh": question_zh,
                "actions_en": "\n".join(en for en, _zh in actions),
                "actions_zh": "\n".join(zh for _en, zh in actions),
            },
        )


class Migration(migrations.Migration):
    dependencies = [("lifecycle", "0001_initial"), ("partners", "0002_reference_data")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
