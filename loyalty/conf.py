"""Programme constants, overridable in settings (LOYALTY_*)."""
from django.conf import settings


def _get(name, default):
    return getattr(settings, f"LOYALTY_{name}", default)


def points_valid_months() -> int:
    """Points expire at the end of the month this many months after the month they were earned."""
    return int(_get("POINTS_VALID_MONTHS", 24))


def expiry_warning_days() -> int:
    return int(_get("EXPIRY_WARNING_DAYS", 30))


def downgrade_grace_days() -> int:
    return int(_get("DOWNGRADE_GRACE_DAYS", 90))


def chunk_size() -> int:
    """Partner ids per chunk of the nightly job (each chunk is one transaction)."""
    return int(_get("CHUNK_SIZE", 2000))
