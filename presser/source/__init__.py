"""presser.source."""
