"""One module per CLI subcommand; see trainer.cli."""
