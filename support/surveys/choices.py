from django.db import models
from django.utils.translation import gettext_lazy as _, pgettext_lazy


class CampaignKind(models.TextChoices):
    PERIODIC = "periodic", _("Periodic survey")
    TICKET = "ticket", _("After a resolved support request")


class CampaignStatus(models.TextChoices):
    DRAFT = "draft", pgettext_lazy("campaign status", "Draft")
    OPEN = "open", pgettext_lazy("campaign status", "Open")
    CLOSED = "closed", pgettext_lazy("campaign status", "Closed")


class InvitationStatus(models.TextChoices):
    PENDING = "pending", pgettext_lazy("invitation status", "Not answered yet")
    ANSWERED = "answered", pgettext_lazy("invitation status", "Answered")
    EXPIRED = "expired", pgettext_lazy("invitation status", "Expired")


# The five-category model and the report's 12 factors (DOMAIN.md), in display order.
CATEGORIES = (
    # code, English, Chinese
    ("posture", "Operator posture", "运营商姿态"),
    ("fairness", "Fairness", "公平性"),
    ("process", "Process and interaction", "流程与互动"),
    ("experience", "Cooperation experience", "合作体验"),
    ("technology", "Operator technology", "运营商技术"),
)

FACTORS = (
    # code, English, Chinese, category, default weight (percent share of the report)
    ("revenue_distribution", "Revenue distribution model", "分配模式", "posture", "6"),
    ("input_cost", "Input cost", "投入成本", "posture", "7"),
    ("regulated_competition", "Regulated competition", "规范竞争", "fairness", "11"),
    ("resource_sharing", "Resource sharing", "资源分享", "fairness", "10"),
    ("process_smoothness", "Process smoothness", "流程通畅", "process", "4"),
    ("response_time", "Response time", "响应时间", "process", "5"),
    ("service_efficiency", "Service efficiency", "服务效率", "process", "8"),
    ("brand_influence", "Brand influence", "品牌影响", "experience", "5"),
    ("market_heat", "Market heat", "市场热度", "experience", "15"),
    ("continuous_cooperation", "Continuous cooperation", "持续合作", "experience", "11"),
    ("technical_assurance", "Technical assurance", "技术保障", "technology", "10"),
    ("training_coaching", "Training and coaching", "培训辅导", "technology", "8"),
)

# The short survey after a resolved support request asks about these factors only.
TICKET_FACTORS = ("response_time", "service_efficiency", "technical_assurance", "process_smoothness")

TICKET_CAMPAIGN_CODE = "after-ticket"

SCALE_MIN, SCALE_MAX = 1, 5

# What each factor asks about (shown under the factor on the answer page), English and Chinese.
FACTOR_DESCRIPTIONS = {
    "revenue_distribution": ("How revenue and commission are shared with you: revenue share ratio, settlement.",
                             "收入与酬金如何与您分配：分成比例、结算。"),
    "input_cost": ("What the cooperation costs you: investment, fees and the resources you put in.",
                   "合作需要您投入的成本：资金、费用与资源。"),
    "regulated_competition": ("Fair, rule-based competition among partners and with the operator's own channels.",
                              "合作伙伴之间以及与运营商自有渠道之间公平、规范的竞争。"),
    "resource_sharing": ("Fair access to resources: leads, customers, network and market support.",
                         "公平获得资源：商机线索、客户、网络与市场支持。"),
    "process_smoothness": ("Whether applications, contracts and business acceptance go through without friction.",
                           "申请、签约与业务受理是否顺畅。"),
    "response_time": ("How quickly the operator answers your requests and faults.",
                      "运营商响应您的需求与故障的速度。"),
    "service_efficiency": ("How efficiently a request is handled end to end: acceptance cycle, settlement speed.",
                           "请求从受理到完成的整体效率：受理周期、结账速度。"),
    "brand_influence": ("The value of the operator's brand to your business.", "运营商品牌对您业务的价值。"),
    "market_heat": ("Market demand and promotion for the products you sell.", "您所销售产品的市场热度与推广力度。"),
    "continuous_cooperation": ("Confidence in a long, stable relationship and its prospects.",
                               "对长期稳定合作及其前景的信心。"),
    "technical_assurance": ("Technical support and service quality you can rely on.", "可依赖的技术支持与服务质量。"),
    "training_coaching": ("Training and coaching on products, processes and sales.", "产品、流程与销售方面的培训辅导。"),
}
