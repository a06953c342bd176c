"""The roster: households, children, enrolments, charges, imports and offboarding."""
