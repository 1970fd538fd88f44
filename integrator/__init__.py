"""Setia: the Flask app (create_app) and everything around the loyalty domain."""
