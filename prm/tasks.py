"""Project-wide tasks."""
import socket

from celery import shared_task
from django.db import connection


@shared_task(name="prm.health_check", acks_late=False)
def health_check() -> dict:
    """Answer from a worker with what it sees: proves broker, worker and database are wired."""
    from partners.models import Partner

    return {
        "worker": socket.gethostname(),
        "database": connection.vendor,
        "partners": Partner.objects.count(),
    }
