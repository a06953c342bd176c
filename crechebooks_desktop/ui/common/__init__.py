"""Pieces shared by every screen."""
