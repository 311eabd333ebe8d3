"""Settings for bench/pages.py: the app's own settings, with two differences.

- ROOT_URLCONF adds one bare view after the app's URLs (bench/urls.py), so the baseline is served
  by the same gunicorn workers, settings and middleware as the pages it is compared with.
- STATIC_ROOT is the run's temporary folder (BENCH_STATIC_ROOT): with DEBUG off the pages need the
  collected, hashed static files, and a benchmark run must not write into the project.
"""

from __future__ import annotations

import os
from pathlib import Path

from config.settings import *  # noqa: F403

ROOT_URLCONF = "bench.urls"
STATIC_ROOT = Path(os.environ["BENCH_STATIC_ROOT"])
