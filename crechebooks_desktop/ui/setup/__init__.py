"""First-run set-up of a new book."""
