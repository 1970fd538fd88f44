"""gunicorn wsgi:app, and flask --app wsgi ..."""

from integrator.app import create_app

app = create_app()
