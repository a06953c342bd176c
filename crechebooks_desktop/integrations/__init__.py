"""Optional, lazily imported integrations (secrets, Xero, S3); off by default."""
