"""Qt-free use cases that combine storage and formats: import, export, agreement, sample data."""
