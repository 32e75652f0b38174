from django.db import models
from django.utils.translation import gettext_lazy as _, pgettext_lazy


class EntryKind(models.TextChoices):
    EARN = "earn", pgettext_lazy("ledger entry", "Earned")
    BONUS = "bonus", pgettext_lazy("ledger entry", "Promotion bonus")
    REDEEM = "redeem", pgettext_lazy("ledger entry", "Redeemed")
    RELEASE = "release", pgettext_lazy("ledger entry", "Returned from a rejected redemption")
    EXPIRE = "expire", pgettext_lazy("ledger entry", "Expired")
    REVERSE = "reverse", pgettext_lazy("ledger entry", "Reversed (sale refunded or cancelled)")
    ADJUST = "adjust", pgettext_lazy("ledger entry", "Adjusted by staff")


# Kinds whose points count towards tier qualification (earned, not the balance).
QUALIFYING_KINDS = (EntryKind.EARN, EntryKind.BONUS, EntryKind.REVERSE)


class SourceType(models.TextChoices):
    SALE = "sale", _("Sale")
    REDEMPTION = "redemption", _("Redemption")
    LOT = "lot", _("Points lot")
    ALLOCATION = "allocation", _("Lot allocation")
    ADJUSTMENT = "adjustment", _("Adjustment")


class RuleKind(models.TextChoices):
    BASE = "base", _("Base earning rule")
    PROMOTION = "promotion", _("Promotion")


class RewardCategory(models.TextChoices):
    MARKET_FUNDS = "market_funds", _("Market development funds")
    TRAINING = "training", _("Training")
    MARKETING = "marketing", _("Marketing and publicity support")
    LOGO_LICENCE = "logo_licence", _("Licence to use the operator's logo")
    AFTER_SALES = "after_sales", _("Priority after-sales support")
    OTHER = "other", _("Other benefit")


class RedemptionStatus(models.TextChoices):
    PENDING = "pending", pgettext_lazy("redemption", "Awaiting fulfilment")
    FULFILLED = "fulfilled", pgettext_lazy("redemption", "Fulfilled")
    REJECTED = "rejected", pgettext_lazy("redemption", "Rejected")


class ReviewDirection(models.TextChoices):
    UPGRADE = "upgrade", _("Upgrade")
    DOWNGRADE = "downgrade", _("Downgrade")


class ReviewStatus(models.TextChoices):
    PENDING = "pending", pgettext_lazy("tier review", "Pending")
    APPROVED = "approved", pgettext_lazy("tier review", "Approved")
    REJECTED = "rejected", pgettext_lazy("tier review", "Rejected")
    LAPSED = "lapsed", pgettext_lazy("tier review", "Lapsed")


class RunStatus(models.TextChoices):
    RUNNING = "running", pgettext_lazy("job run", "Running")
    SUCCEEDED = "succeeded", pgettext_lazy("job run", "Succeeded")
    FAILED = "failed", pgettext_lazy("job run", "Failed")
