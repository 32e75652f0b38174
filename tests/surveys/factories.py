"""Survey test data: campaigns (open, with the full questionnaire unless told), invitations, and
valid answers for a campaign."""
import datetime

from django.utils import timezone

from support.surveys.models import Campaign, Invitation, SurveyFactor


def campaign(*, name="2026 Q4 survey", status="open", kind="periodic", opens_on=None, closes_on=None, codes=None,
             **extra):
    today = timezone.localdate()
    c = Campaign.objects.create(
        name=name, name_zh=f"{name}（中文）", status=status, kind=kind,
        opens_on=opens_on or today - datetime.timedelta(days=5),
        closes_on=closes_on if closes_on is not None else today + datetime.timedelta(days=20), **extra,
    )
    factors = SurveyFactor.objects.filter(active=True)
    if codes is not None:
        factors = factors.filter(code__in=codes)
    c.factors.set(factors)
    return c


def invitation(partner, c=None, **extra):
    return Invitation.objects.create(campaign=c or campaign(), partner=partner, **extra)


def answers(c, importance=4, satisfaction=3):
    return [{"factor": pk, "importance": importance, "satisfaction": satisfaction}
            for pk in c.factors.values_list("pk", flat=True)]
