"""The terminal app (Textual). Only this package imports textual; the core never does."""
