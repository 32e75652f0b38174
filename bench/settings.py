"""Production settings plus the benchmark's baseline endpoint (bench/urls.py).

Used only by `bench/partners_list.py`: the environment it sets is production-like (DEBUG off,
a SECRET_KEY, ALLOWED_HOSTS); SECURE_SSL_REDIRECT=0 because the load tool speaks plain HTTP
on the loopback interface.
"""
from prm.settings import *  # noqa: F401,F403

ROOT_URLCONF = "bench.urls"
