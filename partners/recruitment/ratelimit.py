"""A small per-IP and global limit on public applications, counted in Django's cache.

Fixed one-hour windows: the key names the hour, so counters expire on their own. With Redis
(REDIS_URL) the count is shared by every web process; with the local-memory cache it is per
process, which is still a brake on one abusive client.
"""
from django.conf import settings
from django.core.cache import cache
from django.utils import timezone

WINDOW_SECONDS = 3600


def _limits() -> tuple[int, int]:
    return (
        getattr(settings, "RECRUITMENT_APPLY_PER_IP_PER_HOUR", 5),
        getattr(settings, "RECRUITMENT_APPLY_GLOBAL_PER_HOUR", 500),
    )


def _hit(key: str) -> int:
    if cache.add(key, 1, WINDOW_SECONDS + 60):
        return 1
    try:
        return cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, WINDOW_SECONDS + 60)
        return 1


def client_ip(request) -> str:
    """The client's address as the server sees it (a TLS proxy in front must set REMOTE_ADDR)."""
    return (request.META.get("REMOTE_ADDR") or "unknown")[:64]


def application_allowed(request) -> bool:
    """Count this submission; False once the IP's or everyone's hourly allowance is used up."""
    per_ip, overall = _limits()
    hour = int(timezone.now().timestamp()) // WINDOW_SECONDS
    ip_count = _hit(f"recruitment:apply:ip:{client_ip(request)}:{hour}")
    all_count = _hit(f"recruitment:apply:all:{hour}")
    return ip_count <= per_ip and all_count <= overall
