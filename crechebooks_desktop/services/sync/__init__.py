"""Sending the book's work to Xero and its archived PDFs to S3, through the sync outbox."""
