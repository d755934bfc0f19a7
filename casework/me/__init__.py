"""A child's own site under /me/: joining with their worker's code, signing in, their journey (and the registry
through which other apps add their sections to it), their own words and the records shared with them."""
