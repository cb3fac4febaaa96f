"""Reusable widgets for the trainer app."""
