"""The demo creche and its bank statement."""
