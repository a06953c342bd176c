"""The Fee structures dialog: list fees, add one, change one's amounts from a month on."""
