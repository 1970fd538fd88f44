"""Reconciliation: pull recently updated orders from the platform so missed deliveries heal."""
