"""The template environment: search path, `default:` prefix, sandbox, errors, stylesheets."""

from __future__ import annotations

import dataclasses
import os
from pathlib import Path

import pytest
from jinja2 import TemplateNotFound, nodes
from jinja2.runtime import LoopContext

from presser.errors import TemplateProblem
from presser.render import context as ctx
from presser.render.templating import (
    PresserEnvironment,
    environment,
    read_stylesheet,
    render_template,
)
from presser.render.text_style import Labels, QuoteSegment
from presser.source.markdown import TextBlock, TextLink
from presser.source.validation import load_release
from presser.source.workspace import Workspace, packaged_default_templates

from .conftest import RELEASE_YAML, MakeWorkspace


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


@pytest.fixture
def workspace(make_workspace: MakeWorkspace) -> Workspace:
    return make_workspace(releases={"r.yaml": RELEASE_YAML})


def env_of(workspace: Workspace, slug: str = "exempel") -> PresserEnvironment:
    return environment(workspace.template_search_path(slug))


# --------------------------------------------------------------------------- search path


def test_plain_name_prefers_the_organisation_then_the_defaults(workspace: Workspace) -> None:
    templates = workspace.templates_dir
    write(templates / "exempel" / "probe.j2", "organisation")
    write(templates / "_default" / "probe.j2", "workspace default")
    write(templates / "_default" / "only-default.j2", "workspace default only")
    env = env_of(workspace)
    assert render_template(env, "probe.j2") == "organisation"
    assert render_template(env, "only-default.j2") == "workspace default only"


def test_default_prefix_skips_the_organisation(workspace: Workspace) -> None:
    templates = workspace.templates_dir
    write(templates / "exempel" / "probe.j2", "organisation")
    write(templates / "_default" / "probe.j2", "workspace default")
    env = env_of(workspace)
    assert render_template(env, "default:probe.j2") == "workspace default"


def test_packaged_default_comes_last(workspace: Workspace) -> None:
    folders = workspace.template_search_path("exempel")
    assert folders[-1] == packaged_default_templates()
    env = env_of(workspace)
    # No _default in this workspace: the packaged release template is found both ways.
    source, filename, _ = env.search_loader.get_source(env, "default:release.html.j2")
    assert Path(filename or "").parent == packaged_default_templates()
    assert "block masthead" in source


def test_an_override_extends_the_default_and_replaces_one_block(workspace: Workspace) -> None:
    templates = workspace.templates_dir
    write(
        templates / "_default" / "page.j2",
        "[{% block a %}A{% endblock %}|{% block b %}B{% endblock %}]",
    )
    write(
        templates / "exempel" / "page.j2",
        '{% extends "default:page.j2" %}{% block b %}own B{% endblock %}',
    )
    assert render_template(env_of(workspace), "page.j2") == "[A|own B]"


def test_environments_are_cached_per_search_path(
    workspace: Workspace, repo_workspace: Workspace
) -> None:
    assert env_of(workspace) is env_of(workspace)
    assert env_of(repo_workspace, "skl") is not env_of(repo_workspace, "regionforbundet-jonkoping")


def test_no_escape_from_the_template_folders(workspace: Workspace) -> None:
    templates = workspace.templates_dir
    env = env_of(workspace)
    for name in ("../exempel/organisation.yaml", "../../releases/r.yaml", "default:../skl/x.j2"):
        with pytest.raises(TemplateNotFound):
            env.get_template(name)
    write(templates / "exempel" / "sneaky.j2", '{% include "../../releases/r.yaml" %}')
    with pytest.raises(TemplateProblem, match="not found"):
        render_template(env, "sneaky.j2")


def test_a_link_out_of_a_template_folder_is_refused(workspace: Workspace, tmp_path: Path) -> None:
    outside = write(tmp_path.parent / f"{tmp_path.name}-outside" / "secret.j2", "secret")
    link = workspace.templates_dir / "exempel" / "linked.j2"
    os.symlink(outside, link)
    with pytest.raises(TemplateProblem, match="not found"):
        render_template(env_of(workspace), "linked.j2")


# --------------------------------------------------------------------------- errors


def test_syntax_error_names_file_and_line(workspace: Workspace) -> None:
    write(workspace.templates_dir / "exempel" / "bad.j2", "one\ntwo\n{% if %}\n")
    with pytest.raises(TemplateProblem) as caught:
        render_template(env_of(workspace), "bad.j2")
    assert str(caught.value.message).startswith("templates/exempel/bad.j2:3: ")


def test_undefined_name_names_file_and_line(workspace: Workspace) -> None:
    write(workspace.templates_dir / "exempel" / "undef.j2", "line one\n\n{{ nothing_here }}\n")
    with pytest.raises(TemplateProblem) as caught:
        render_template(env_of(workspace), "undef.j2")
    message = caught.value.message
    assert message.startswith("templates/exempel/undef.j2:3: ")
    assert "nothing_here" in message


def test_error_in_a_parent_template_names_the_parent(workspace: Workspace) -> None:
    templates = workspace.templates_dir
    write(templates / "_default" / "base.j2", "x\n{% block a %}{{ missing }}{% endblock %}\n")
    write(templates / "exempel" / "child.j2", '{% extends "default:base.j2" %}')
    with pytest.raises(TemplateProblem, match=r"^templates/_default/base\.j2:2: "):
        render_template(env_of(workspace), "child.j2")


@pytest.mark.parametrize(
    "expression",
    [
        "''.__class__.__mro__",
        "''.__class__",
        "'a'.format",
        "'{0.__class__}'.format(1)",
        "'a'.format_map",
        "release.labels.release_type('news')",
        "release.headline.upper()",
        "cycler.__init__.__globals__",
    ],
)
def test_sandbox_refusals_are_template_problems(workspace: Workspace, expression: str) -> None:
    write(workspace.templates_dir / "exempel" / "evil.j2", f"fine\n{{{{ {expression} }}}}\n")
    loaded = load_release(workspace.releases_dir / "r.yaml", workspace)
    context = ctx.build_context(loaded)
    with pytest.raises(TemplateProblem) as caught:
        render_template(env_of(workspace), "evil.j2", release=context)
    assert caught.value.message.startswith("templates/exempel/evil.j2:2: ")


def test_loop_helpers_stay_usable(workspace: Workspace) -> None:
    write(
        workspace.templates_dir / "exempel" / "loop.j2",
        "{% for x in items %}{{ loop.index }}{{ loop.cycle('a', 'b') }}{% endfor %}",
    )
    assert render_template(env_of(workspace), "loop.j2", items=[1, 2]) == "1a2b"


def test_autoescape_is_on(workspace: Workspace) -> None:
    write(workspace.templates_dir / "exempel" / "esc.j2", "{{ value }}")
    out = render_template(env_of(workspace), "esc.j2", value='<b class="x">&</b>')
    assert out == "&lt;b class=&#34;x&#34;&gt;&amp;&lt;/b&gt;"


def test_missing_template_is_a_template_problem(workspace: Workspace) -> None:
    with pytest.raises(TemplateProblem, match=r"nowhere\.j2"):
        render_template(env_of(workspace), "nowhere.j2")


# --------------------------------------------------------------------------- stylesheets


def joined(env: PresserEnvironment, name: str) -> str:
    return "\n".join(source.text for source in read_stylesheet(env, name))


def test_stylesheet_is_default_then_organisation(workspace: Workspace) -> None:
    templates = workspace.templates_dir
    write(templates / "_default" / "style.css", "/* default */")
    write(templates / "exempel" / "style.css", "/* own */")
    sources = read_stylesheet(env_of(workspace), "style.css")
    assert [s.text for s in sources] == ["/* default */", "/* own */"]
    # Each comes with its file, whose folder its addresses resolve in.
    assert [s.path for s in sources] == [
        templates / "_default" / "style.css",
        templates / "exempel" / "style.css",
    ]


def test_stylesheet_without_an_own_file_is_the_default(workspace: Workspace) -> None:
    css = joined(env_of(workspace), "print.css")
    assert css == (packaged_default_templates() / "print.css").read_text(encoding="utf-8")


def test_stylesheet_of_the_repository_organisations(repo_workspace: Workspace) -> None:
    css = joined(environment(repo_workspace.template_search_path("skl")), "style.css")
    default = (repo_workspace.templates_dir / "_default" / "style.css").read_text(encoding="utf-8")
    own = (repo_workspace.templates_dir / "skl" / "style.css").read_text(encoding="utf-8")
    assert css == default + "\n" + own


def test_stylesheet_names_cannot_escape(workspace: Workspace) -> None:
    with pytest.raises(TemplateProblem):
        read_stylesheet(env_of(workspace), "../exempel/organisation.yaml")


# --------------------------------------------------------------------------- the context contract

#: Attribute names a template may read: the fields of the documented context
#: dataclasses, and Jinja's loop helpers.
CONTEXT_CLASSES = (
    ctx.ReleaseContext,
    ctx.OrganisationContext,
    ctx.MomentContext,
    ctx.ContactContext,
    ctx.QuoteContext,
    ctx.ImageContext,
    ctx.BlockContext,
    ctx.LinkContext,
    ctx.CorrectionContext,
    ctx.LanguageVersionContext,
    TextBlock,
    TextLink,
    Labels,
    QuoteSegment,
)
DOCUMENTED = {f.name for cls in CONTEXT_CLASSES for f in dataclasses.fields(cls)}
LOOP = {name for name in dir(LoopContext) if not name.startswith("_")}
VARIABLES = {"release", "stylesheet", "medium"}


def undocumented_uses(env: PresserEnvironment, name: str) -> set[str]:
    """Attributes and free variables a template uses beyond the documented context."""
    source, _, _ = env.search_loader.get_source(env, name)
    tree = env.parse(source)
    from jinja2 import meta

    macros = {node.name for node in tree.find_all(nodes.Macro)}
    free = meta.find_undeclared_variables(tree) - VARIABLES - macros
    attributes = {node.attr for node in tree.find_all(nodes.Getattr)}
    return free | (attributes - DOCUMENTED - LOOP)


SHIPPED = [
    ("skl", "release.html.j2"),
    ("regionforbundet-jonkoping", "release.html.j2"),
    ("regionforbundet-jonkoping", "default:release.html.j2"),
]


@pytest.mark.parametrize(("slug", "name"), SHIPPED)
def test_templates_use_only_documented_context_fields(
    repo_workspace: Workspace, slug: str, name: str
) -> None:
    env = environment(repo_workspace.template_search_path(slug))
    assert undocumented_uses(env, name) == set()


def test_the_field_check_can_fail(workspace: Workspace) -> None:
    write(
        workspace.templates_dir / "exempel" / "leaky.j2",
        "{{ release.headline }}{{ release.secret }}{{ os }}{% for c in release.contacts %}"
        "{{ c.password }}{% endfor %}",
    )
    assert undocumented_uses(env_of(workspace), "leaky.j2") == {"secret", "os", "password"}
    loaded = load_release(workspace.releases_dir / "r.yaml", workspace)
    with pytest.raises(TemplateProblem, match="secret"):
        render_template(env_of(workspace), "leaky.j2", release=ctx.build_context(loaded))


def test_every_branch_renders_with_a_full_context(repo_workspace: Workspace) -> None:
    """With every optional field set, StrictUndefined checks each `if` branch too."""
    path = repo_workspace.releases_dir / "2010-02-08-jonkoping-addiction-care-conference.yaml"
    loaded = load_release(path, repo_workspace)
    full = dataclasses.replace(
        ctx.build_context(loaded),
        department="Primärkommunal social välfärd",
        organisation=dataclasses.replace(
            ctx.build_context(loaded).organisation, website="https://example.org"
        ),
    )
    assert full.embargo_line and full.subheadline and full.press_contacts and full.boilerplate
    kinds = {block.kind for block in full.body}
    assert kinds == {"markdown", "quote", "image"}
    for slug in ("skl", "regionforbundet-jonkoping"):
        env = environment(repo_workspace.template_search_path(slug))
        for medium in ("screen", "print"):
            html = render_template(
                env, "release.html.j2", release=full, stylesheet=None, medium=medium
            )
            assert "Primärkommunal social välfärd" in html
            assert "https://example.org" in html
