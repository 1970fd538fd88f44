"""gunicorn's settings. gunicorn reads ./gunicorn.conf.py by itself, so `gunicorn wsgi:app`, the
Procfile's `web:` line and `make bench`, started from the repository root, all get them (flags on
the command line, such as the Procfile's --workers and --bind, take precedence).

Threaded workers (gthread), not sync ones: a sync worker reads one request at a time, so two clients
sending a byte a second held both of them and a real webhook waited 32 s (Shopify gives up after 5 s).
With gthread a connection that has sent nothing waits in the worker's poller, not in a thread, and a
client that sends its request slowly holds one thread while the others go on serving. docs/operations.md
says where this ends (a flood of slow clients needs a buffering proxy in front)."""

worker_class = "gthread"
# Threads per worker process: up to threads - 1 slow clients per process cannot keep a delivery
# waiting. Each thread at work holds at most one database connection: below the pool of 10 + 20
# overflow per process (integrator/db.py).
threads = 16
# Seconds an idle kept-alive connection (or a new one that has sent nothing yet) is kept open.
keepalive = 5
# A worker whose main loop is silent this long is restarted; with threads it is not a request limit.
timeout = 30
graceful_timeout = 30
