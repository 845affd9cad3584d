"""The JSON Schema of the release format, generated from the models."""

from __future__ import annotations

import json
from typing import Any

from .model import Release


def release_schema() -> dict[str, Any]:
    schema = Release.model_json_schema(mode="validation")
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        **schema,
    }


def release_schema_text() -> str:
    """The schema as presser writes it to schema/release.schema.json (stable, sorted)."""
    return json.dumps(release_schema(), ensure_ascii=False, indent=2, sort_keys=True) + "\n"
