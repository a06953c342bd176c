"""Fee structures one at a time: add a fee, change its amounts from a month on, list them.

Whole files of fees are imported by ``services.roster.file_import.import_fees``.
"""
