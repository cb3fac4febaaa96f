"""The trainer app's screens."""
