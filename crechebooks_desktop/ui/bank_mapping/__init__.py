"""The import dialog's mapping step: which column of a CSV file is which (issue 14)."""
