import datetime as dt

import django_filters as filters
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from partners.models import CityBranch
from prm.api.filters import CodeMultipleChoiceFilter, IdFilter, MultipleChoiceFilter, StrictBooleanFilter

from .choices import OPEN_STATUSES, Category, CalendarDayKind, EventKind, Priority, SlaStatus, TargetKind, TicketStatus
from .models import (
    CalendarDay,
    CalendarWindow,
    RoutingRule,
    SatisfactionRating,
    ServiceCentre,
    SlaPolicy,
    SlaRecord,
    SlaTarget,
    Ticket,
    TicketAttachment,
    TicketEvent,
    TicketMessage,
)

DUE_SOON_DEFAULT_HOURS = 4


class TicketFilterSet(filters.FilterSet):
    """The staff queue's filters (and a partner's own list): status, centre, assignee, category,
    priority, due soon, breached, plus partner, city, text and dates."""

    q = filters.CharFilter(method="filter_search", max_length=100, label=_("Search subject or partner"))
    status = MultipleChoiceFilter(choices=TicketStatus.choices, label=_("Status"))
    open = StrictBooleanFilter(method="filter_open", label=_("Open (not resolved or closed)"))
    centre = CodeMultipleChoiceFilter(field_name="centre", queryset=ServiceCentre.objects.all(), label=_("Service centre"))
    assignee = IdFilter(field_name="assignee_id", label=_("Assignee (user id)"))
    unassigned = StrictBooleanFilter(field_name="assignee", lookup_expr="isnull", label=_("Unassigned"))
    mine = StrictBooleanFilter(method="filter_mine", label=_("Assigned to me"))
    my_centres = StrictBooleanFilter(method="filter_my_centres", label=_("In my service centres"))
    my_partners = StrictBooleanFilter(method="filter_my_partners", label=_("Of the partners I manage"))
    category = MultipleChoiceFilter(choices=Category.choices, label=_("Support point"))
    priority = MultipleChoiceFilter(choices=Priority.choices, label=_("Priority"))
    partner = IdFilter(field_name="partner_id", label=_("Partner id"))
    city = CodeMultipleChoiceFilter(field_name="partner__city", queryset=CityBranch.objects.all(), label=_("City branch"))
    due_soon = StrictBooleanFilter(method="filter_due_soon", label=_("A committed time is due soon"))
    due_within_hours = filters.NumberFilter(
        method="filter_noop", min_value=1, max_value=24 * 30, label=_("'Due soon' means within this many hours")
    )
    breached = StrictBooleanFilter(method="filter_breached", label=_("A committed time was breached"))
    opened_from = filters.DateFilter(field_name="opened_at", lookup_expr="date__gte", label=_("Opened from"))
    opened_to = filters.DateFilter(field_name="opened_at", lookup_expr="date__lte", label=_("Opened to"))

    class Meta:
        model = Ticket
        fields = []

    def _user(self):
        return getattr(self.request, "user", None)

    def filter_noop(self, queryset, name, value):
        return queryset

    def filter_search(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        condition = Q(subject__icontains=value) | Q(partner__name__icontains=value) | Q(partner__code__icontains=value)
        if value.upper().startswith("T") and value[1:].isdigit():
            condition |= Q(pk=int(value[1:]))
        elif value.isdigit():
            condition |= Q(pk=int(value))
        return queryset.filter(condition)

    def filter_open(self, queryset, name, value):
        if value is None:
            return queryset
        return queryset.filter(status__in=OPEN_STATUSES) if value else queryset.exclude(status__in=OPEN_STATUSES)

    def filter_mine(self, queryset, name, value):
        user = self._user()
        if value is None or user is None:
            return queryset
        return queryset.filter(assignee_id=user.pk) if value else queryset.exclude(assignee_id=user.pk)

    def filter_my_centres(self, queryset, name, value):
        user = self._user()
        if not value or user is None:
            return queryset
        centres = ServiceCentre.objects.filter(Q(members=user.pk) | Q(head=user.pk)).values("pk")
        return queryset.filter(centre_id__in=centres)

    def filter_my_partners(self, queryset, name, value):
        user = self._user()
        if not value or user is None:
            return queryset
        return queryset.filter(partner__channel_manager_id=user.pk)

    def filter_due_soon(self, queryset, name, value):
        if value is None:
            return queryset
        hours = self.form.cleaned_data.get("due_within_hours") or DUE_SOON_DEFAULT_HOURS
        horizon = timezone.now() + dt.timedelta(hours=float(hours))
        soon = SlaRecord.objects.filter(ticket=OuterRef("pk"), status=SlaStatus.RUNNING, due_at__lte=horizon)
        return queryset.filter(Exists(soon)) if value else queryset.exclude(Exists(soon))

    def filter_breached(self, queryset, name, value):
        if value is None:
            return queryset
        breached = SlaRecord.objects.filter(ticket=OuterRef("pk"), status=SlaStatus.BREACHED)
        return queryset.filter(Exists(breached)) if value else queryset.exclude(Exists(breached))


class TicketMessageFilterSet(filters.FilterSet):
    ticket = IdFilter(field_name="ticket_id", label=_("Ticket id"))
    internal = StrictBooleanFilter()

    class Meta:
        model = TicketMessage
        fields = []


class TicketAttachmentFilterSet(filters.FilterSet):
    ticket = IdFilter(field_name="ticket_id", label=_("Ticket id"))

    class Meta:
        model = TicketAttachment
        fields = []


class TicketEventFilterSet(filters.FilterSet):
    ticket = IdFilter(field_name="ticket_id", label=_("Ticket id"))
    kind = MultipleChoiceFilter(choices=EventKind.choices)

    class Meta:
        model = TicketEvent
        fields = []


class SlaRecordFilterSet(filters.FilterSet):
    ticket = IdFilter(field_name="ticket_id", label=_("Ticket id"))
    status = MultipleChoiceFilter(choices=SlaStatus.choices)
    kind = MultipleChoiceFilter(choices=TargetKind.choices)
    code = filters.CharFilter(max_length=40)
    centre = CodeMultipleChoiceFilter(field_name="ticket__centre", queryset=ServiceCentre.objects.all())
    partner = IdFilter(field_name="ticket__partner_id", label=_("Partner id"))
    due_before = filters.IsoDateTimeFilter(field_name="due_at", lookup_expr="lte")
    started_from = filters.DateFilter(field_name="started_at", lookup_expr="date__gte")
    started_to = filters.DateFilter(field_name="started_at", lookup_expr="date__lte")

    class Meta:
        model = SlaRecord
        fields = []


class RatingFilterSet(filters.FilterSet):
    partner = IdFilter(field_name="partner_id", label=_("Partner id"))
    score = MultipleChoiceFilter(choices=[(i, str(i)) for i in range(1, 6)])
    rated_from = filters.DateFilter(field_name="created_at", lookup_expr="date__gte")
    rated_to = filters.DateFilter(field_name="created_at", lookup_expr="date__lte")

    class Meta:
        model = SatisfactionRating
        fields = []


class CalendarWindowFilterSet(filters.FilterSet):
    calendar = IdFilter(field_name="calendar_id")

    class Meta:
        model = CalendarWindow
        fields = []


class CalendarDayFilterSet(filters.FilterSet):
    calendar = IdFilter(field_name="calendar_id")
    kind = filters.ChoiceFilter(choices=CalendarDayKind.choices)
    year = filters.NumberFilter(field_name="date", lookup_expr="year", min_value=1900, max_value=2999)

    class Meta:
        model = CalendarDay
        fields = []


class SlaTargetFilterSet(filters.FilterSet):
    policy = IdFilter(field_name="policy_id")

    class Meta:
        model = SlaTarget
        fields = []


class SlaPolicyFilterSet(filters.FilterSet):
    active = StrictBooleanFilter()

    class Meta:
        model = SlaPolicy
        fields = []


class RoutingRuleFilterSet(filters.FilterSet):
    active = StrictBooleanFilter()
    centre = CodeMultipleChoiceFilter(field_name="centre", queryset=ServiceCentre.objects.all())

    class Meta:
        model = RoutingRule
        fields = []
