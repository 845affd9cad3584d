"""presser.build.run."""
