"""Writes to the partner registry. Each service runs in one transaction and records history."""
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, Iterable

from django.db import models, transaction
from django.db.models import F

from .choices import TrackedField
from .models import Contact, Partner, PartnerChange, PartnerCodeSequence, SaleRecord, User

TRACKED_FIELDS = tuple(TrackedField.values)


def _display(partner: Partner, field: str) -> str:
    value = getattr(partner, field)
    if value is None:
        return ""
    if field == "channel_manager":
        return value.username
    if field in ("partner_type", "city"):
        return value.code
    model_field = Partner._meta.get_field(field)
    if isinstance(model_field, models.DecimalField):
        # As stored: 0.15 and 0.1500 are the same ratio, not a change.
        return str(Decimal(value).quantize(Decimal(1).scaleb(-model_field.decimal_places)))
    return str(value)


def partner_code_next(*, partner_type, city) -> str:
    """The next readable code for a type and city, e.g. SA-CD-0042. Call inside a transaction."""
    prefix = f"{partner_type.code}-{city.code}"
    sequence, _created = PartnerCodeSequence.objects.select_for_update().get_or_create(prefix=prefix)
    PartnerCodeSequence.objects.filter(pk=sequence.pk).update(last_value=F("last_value") + 1)
    sequence.refresh_from_db(fields=["last_value"])
    return f"{prefix}-{sequence.last_value:04d}"


@transaction.atomic
def partner_register(
    *, by: User | None, authorised_products: Iterable = (), reason: str = "", **fields: Any
) -> Partner:
    """Create a partner with a fresh code; its initial tier, status and owner enter the history."""
    partner = Partner(**fields)
    partner.code = partner_code_next(partner_type=partner.partner_type, city=partner.city)
    partner.full_clean(exclude=["code"])
    partner.save()
    if authorised_products:
        partner.authorised_products.set(authorised_products)
    PartnerChange.objects.bulk_create(
        PartnerChange(
            partner=partner,
            field=field,
            old_value="",
            new_value=_display(partner, field),
            changed_by=by,
            reason=reason,
        )
        for field in (TrackedField.TIER, TrackedField.STATUS, TrackedField.CHANNEL_MANAGER)
        if getattr(partner, field) is not None
    )
    return partner


@transaction.atomic
def partner_update(
    *, partner: Partner, by: User | None, reason: str = "", authorised_products: Iterable | None = None, **fields: Any
) -> Partner:
    """Change a partner; every change of a tracked field writes who, when, from, to and why."""
    partner = Partner.objects.select_for_update().get(pk=partner.pk)
    before = {field: _display(partner, field) for field in TRACKED_FIELDS}
    for name, value in fields.items():
        setattr(partner, name, value)
    partner.full_clean(exclude=["code"])
    partner.save()
    if authorised_products is not None:
        partner.authorised_products.set(authorised_products)
    PartnerChange.objects.bulk_create(
        PartnerChange(
            partner=partner,
            field=field,
            old_value=before[field],
            new_value=_display(partner, field),
            changed_by=by,
            reason=reason,
        )
        for field in TRACKED_FIELDS
        if before[field] != _display(partner, field)
    )
    return partner


def _clear_other_primary(contact: Contact) -> None:
    if contact.is_primary:
        Contact.objects.filter(partner_id=contact.partner_id, is_primary=True).exclude(pk=contact.pk).update(
            is_primary=False
        )


@transaction.atomic
def contact_create(*, by: User | None, **fields: Any) -> Contact:
    contact = Contact(**fields)
    contact.full_clean(exclude=["partner"])
    if contact.is_primary:
        Contact.objects.filter(partner_id=contact.partner_id, is_primary=True).update(is_primary=False)
    contact.save()
    return contact


@transaction.atomic
def contact_update(*, contact: Contact, by: User | None, **fields: Any) -> Contact:
    for name, value in fields.items():
        setattr(contact, name, value)
    contact.full_clean(exclude=["partner"])
    _clear_other_primary(contact)
    contact.save()
    return contact


@transaction.atomic
def partner_user_create(*, by: User | None, password: str | None = None, **fields: Any) -> User:
    user = User(**fields)
    if password:
        user.set_password(password)
    else:
        user.set_unusable_password()
    user.full_clean(exclude=["password"])
    user.save()
    return user


@transaction.atomic
def partner_user_update(*, user: User, by: User | None, password: str | None = None, **fields: Any) -> User:
    for name, value in fields.items():
        setattr(user, name, value)
    if password:
        user.set_password(password)
    user.full_clean(exclude=["password"])
    user.save()
    return user


@transaction.atomic
def sale_record_create(*, by: User | None, **fields: Any) -> SaleRecord:
    sale = SaleRecord(**fields)
    sale.full_clean(validate_unique=False, validate_constraints=False)
    sale.save()
    return sale


@dataclass(frozen=True)
class BulkImportResult:
    created: int
    existing: int
    ids: dict  # external_id -> sale id


BULK_INSERT_BATCH = 2000


@transaction.atomic
def sales_bulk_import(*, by: User | None, source_system: str, rows: list[dict]) -> BulkImportResult:
    """Insert validated sale rows; rows whose external_id is already known are left as they are.

    Re-sending the same batch is harmless: the (source_system, external_id) key decides, and
    the database enforces it, so a concurrent re-send cannot duplicate either.
    """
    external_ids = [row["external_id"] for row in rows]
    known: dict[str, int] = {}
    for start in range(0, len(external_ids), BULK_INSERT_BATCH):
        chunk = external_ids[start : start + BULK_INSERT_BATCH]
        known.update(
            SaleRecord.objects.filter(source_system=source_system, external_id__in=chunk).values_list(
                "external_id", "id"
            )
        )
    new_rows = [SaleRecord(source_system=source_system, **row) for row in rows if row["external_id"] not in known]
    SaleRecord.objects.bulk_create(new_rows, batch_size=BULK_INSERT_BATCH, ignore_conflicts=True)
    ids = dict(known)
    new_ids = [sale.external_id for sale in new_rows]
    for start in range(0, len(new_ids), BULK_INSERT_BATCH):
        chunk = new_ids[start : start + BULK_INSERT_BATCH]
        ids.update(
            SaleRecord.objects.filter(source_system=source_system, external_id__in=chunk).values_list(
                "external_id", "id"
            )
        )
    return BulkImportResult(created=len(new_rows), existing=len(known), ids=ids)


@transaction.atomic
def sale_record_set_status(*, sale: SaleRecord, by: User | None, status: str) -> SaleRecord:
    sale = SaleRecord.objects.select_for_update().get(pk=sale.pk)
    sale.status = status
    sale.save(update_fields=["status", "updated_at"])
    return sale
