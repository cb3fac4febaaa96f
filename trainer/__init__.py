"""trainer: scenario-based anti-trafficking awareness training."""

__version__ = "0.1.0"
