from django.db import models
from django.utils.translation import gettext_lazy as _


class Axis(models.TextChoices):
    ATTRACTIVENESS = "attractiveness", _("Intrinsic attractiveness")
    FIT = "fit", _("Capability fit")
