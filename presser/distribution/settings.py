"""smtp: of presser.yaml, read when sending (the workspace itself reads only limits:)."""

from __future__ import annotations

from pathlib import Path

from ..errors import ProblemsFound
from ..source.limits import Settings, SmtpSettings
from ..source.workspace import Workspace


def smtp_settings(workspace: Workspace) -> SmtpSettings | None:
    """The relay set in presser.yaml, or None; problems in the file raised, positioned."""
    from pydantic import ValidationError

    from ..source.loading import load_file
    from ..source.problems import problems_from_validation

    path = workspace.settings_file
    if not path.is_file():
        return None
    workspace.limits  # noqa: B018 - refuses a linked or invalid presser.yaml first
    document = load_file(path, display_path=workspace.display(path))
    try:
        smtp = Settings.model_validate(document.data or {}).smtp
    except ValidationError as exc:
        raise ProblemsFound(problems_from_validation(document, exc, Settings)) from None
    if smtp is not None and smtp.password_file:
        secret = (workspace.root / Path(smtp.password_file).expanduser()).resolve()
        if workspace.contains(secret):
            raise ProblemsFound(
                [
                    document.problem(
                        ("smtp", "password_file"),
                        "inside the workspace, where files are shared and committed; keep the "
                        "password outside it (such as ~/.config/presser/smtp-password)",
                    )
                ]
            )
    return smtp
