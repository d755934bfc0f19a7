"""Homes, each child's history of homes, and placement decisions on the ladder."""
