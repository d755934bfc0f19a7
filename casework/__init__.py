"""The casework core: children, their families, workers and teams, allocations, visits and sibling contact."""
