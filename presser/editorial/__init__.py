"""presser.editorial."""
