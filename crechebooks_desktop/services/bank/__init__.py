"""Bank accounts, statement imports, and matching bank lines to households."""
