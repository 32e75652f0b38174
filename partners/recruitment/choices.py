from django.db import models
from django.utils.translation import gettext_lazy as _, pgettext_lazy


class ProspectSource(models.TextChoices):
    APPLICATION = "application", _("Application (public page)")
    STAFF = "staff", _("Entered by staff")


class ProspectStatus(models.TextChoices):
    PROSPECT = "prospect", pgettext_lazy("recruitment status", "Prospect")
    APPLIED = "applied", pgettext_lazy("recruitment status", "Applied")
    ACCEPTED = "accepted", pgettext_lazy("recruitment status", "Accepted")
    REJECTED = "rejected", pgettext_lazy("recruitment status", "Rejected")
    WITHDRAWN = "withdrawn", pgettext_lazy("recruitment status", "Withdrawn")


OPEN_STATUSES = (ProspectStatus.PROSPECT, ProspectStatus.APPLIED)
CLOSED_STATUSES = (ProspectStatus.ACCEPTED, ProspectStatus.REJECTED, ProspectStatus.WITHDRAWN)


class EventKind(models.TextChoices):
    CREATED = "created", _("Created")
    APPLIED = "applied", _("Application received")
    MARKED_APPLIED = "marked_applied", _("Marked as applied by staff")
    UPDATED = "updated", _("Details changed")
    ACCEPTED = "accepted", _("Accepted: partner registered")
    INVITED = "invited", _("Invitation e-mailed")
    REJECTED = "rejected", _("Rejected")
    WITHDRAWN = "withdrawn", _("Withdrawn")

