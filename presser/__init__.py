"""presser: press releases as YAML, validated and rendered to HTML, PDF and newswire text."""

__version__ = "0.1.0"
