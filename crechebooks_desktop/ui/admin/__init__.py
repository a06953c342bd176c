"""The administrator's window (issue 13): settings, users and bank accounts."""
