"""From a valid release to bytes: the page, the PDF and the wire copy.

The render context (``context``), the language's typography and labels
(``text_style``), the sandboxed templates and their search path
(``templating``), stylesheets and what they reach (``stylesheets``),
transliteration (``transliterate``), the renderers (``html``, ``pdf``,
``text``), the order they run in (``pipeline``), the process that lays out
PDFs (``printer``) and the time limit (``timeout``).

Imports the input layer (``presser.source``) and the shared modules; never
linting, the workflow, builds or the command line.
"""
