"""Import dialogs for the roster, the fee structures and the opening balances (File > Import)."""
