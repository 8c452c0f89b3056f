"""The thin Qt layer: item models, views, undo commands, workers, dialogs, the main window."""
