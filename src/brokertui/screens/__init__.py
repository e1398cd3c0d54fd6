"""Screens: thin views that call core and render."""
