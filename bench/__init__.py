"""`make bench` (python -m bench): webhook acknowledgement against a bare baseline, and end-to-end
processing by the RQ workers, on PostgreSQL + Redis. See docs/performance.md."""
