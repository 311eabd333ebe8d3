"""Views of the stances app, one module per page family (home, timeline, matrix, records)."""
