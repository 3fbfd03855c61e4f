"""gunicorn settings; gunicorn reads this file when started in the project folder (or with -c gunicorn.conf.py)."""

#: secret tokens in links (reset, confirmation, calendar feed) are masked in the access log
logger_class = "app.access_log.MaskingGunicornLogger"
