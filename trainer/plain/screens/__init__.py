"""Plain mode's screens, one module per screen (as in trainer/tui/screens/)."""
