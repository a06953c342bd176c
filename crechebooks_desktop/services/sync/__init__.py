"""Work for Xero and the S3 archive, queued with the changes that cause it (issue 15)."""
