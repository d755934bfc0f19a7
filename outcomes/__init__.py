"""Outcome stars that children make their own: templates, each child's star and its check-ins."""
