"""The rules, one module per topic; importing this package registers them all."""

from . import (
    colours,
    contacts,
    dates,
    embargo,
    headline,
    images,
    lead,
    leftovers,
    links,
    organisation,
    quotes,
    readability,
    typography,
)

__all__ = [
    "colours",
    "contacts",
    "dates",
    "embargo",
    "headline",
    "images",
    "lead",
    "leftovers",
    "links",
    "organisation",
    "quotes",
    "readability",
    "typography",
]
