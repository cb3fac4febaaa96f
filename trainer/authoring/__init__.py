"""Authoring tools for trainers: starter files, the path explorer, preview helpers and the
item-analysis report. Pure core: nothing here imports Textual."""
