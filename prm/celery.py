"""The Celery application. Tasks are autodiscovered from every installed app's tasks.py.

With no broker configured (the embedded default), settings turn on eager mode and tasks run
in-process, so `make run` works without Redis.
"""
import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "prm.settings")

app = Celery("prm")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
