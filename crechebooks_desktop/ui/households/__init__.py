"""The Households (roster) view: families with their children and balances."""
