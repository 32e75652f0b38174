from django.db.models import Case, F, IntegerField, Value, When

from lifecycle.allocation.measures import Measure
from partners.models import Partner


def fixed_measure(key: str, scores: dict, *, missing: int = 0) -> Measure:
    """A measure scoring the given partners (ids) as given; the others get no row."""

    def query(ctx):
        whens = [When(id=pk, then=Value(score)) for pk, score in scores.items()]
        return (
            Partner.objects.filter(ctx.partner_range("id"), id__in=list(scores))
            .annotate(partner_id=F("id"), score=Case(*whens, default=Value(0), output_field=IntegerField()))
            .values("partner_id", "score")
        )

    return Measure(key=key, label=key, query=query, missing=missing)
