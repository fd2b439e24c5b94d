"""Reads about children and outreach, always starting from what the user may see."""
