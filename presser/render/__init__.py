"""presser.render."""
