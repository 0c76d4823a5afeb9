"""gunicorn's settings for CCHC: `gunicorn -c config/gunicorn.conf.py config.wsgi`.

Command-line options override these. Logs use the application's format (cchc/core/logs.py):
ISO time with offset, one line per request with its X-Request-ID, JSON with CCHC_LOG_FORMAT=json.
"""

import os

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

from config.settings import LOGGING

bind = os.environ.get("CCHC_BIND", "127.0.0.1:8000")
workers = int(os.environ.get("CCHC_WEB_WORKERS", 3))
# Long exports (a whole year's XLSX or PDF of the city) take tens of seconds on a small server.
timeout = int(os.environ.get("CCHC_WEB_TIMEOUT", 120))
graceful_timeout = 30
# Recycle workers now and then: bounded memory over months of uptime. Not every 2,000
# requests: at a month-end rush's ~130 requests a second each of 3 workers restarted about
# every 45 s, and a new worker imports the application, reads its templates and translations
# again, at the expense of the requests waiting (docs/decisions/0030-rush-tuning.md).
max_requests = 20000
max_requests_jitter = 2000
accesslog = "-"
access_log_format = '%(h)s "%(r)s" %(s)s %(B)s %(M)sms req=%({x-request-id}o)s'
logconfig_dict = LOGGING
