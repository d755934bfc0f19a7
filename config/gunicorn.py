"""gunicorn's settings for Hearth's web processes (Procfile: `gunicorn --config config/gunicorn.py config.wsgi`).

Each is read from the environment, so a council sizes its web servers in configuration, not code."""

import os

# Where to listen: a load balancer or nginx in front sends requests here.
bind = [f"{os.environ.get('HEARTH_WEB_HOST', '0.0.0.0')}:{os.environ.get('PORT', '8000')}"]  # noqa: S104 - behind a proxy
# Processes on this machine: about two for each core (each request holds one while it waits on the database).
workers = int(os.environ.get("WEB_CONCURRENCY", "3"))
# Long enough for a large voice note's upload to be stored in the bucket; the proxy buffers the slow phone.
timeout = int(os.environ.get("HEARTH_WEB_TIMEOUT", "120"))
graceful_timeout = 30
# A process is replaced after this many requests, so a slow leak never grows for long.
max_requests = 2000
max_requests_jitter = 200
# The proxies whose X-Forwarded-Proto is believed (the load balancer that ends HTTPS).
forwarded_allow_ips = os.environ.get("HEARTH_FORWARDED_ALLOW_IPS", "127.0.0.1")
accesslog = "-"
errorlog = "-"
# Logged without the query string: a search for a child's name stays out of the access log.
access_log_format = '%(h)s "%(m)s %(U)s %(H)s" %(s)s %(B)s %(M)sms'
