"""Reading and checking input: the first layer a release passes through.

The safe YAML loader (``loading``), the models of a release, an organisation
and ``presser.yaml`` (``model``, ``limits``), cross-field validation
(``validation``), the workspace and its organisations (``workspace``), images
(``images``), Markdown's structure (``markdown``), positioned problems
(``problems``), locale data (``cldr``), the words of a new draft (``drafts``)
and the JSON Schema (``schema``).

Imports only the shared modules (``presser.errors``, ``digest``, ``writing``);
nothing here knows of rendering, linting, publishing or the command line.
"""
