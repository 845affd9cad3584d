"""The newsroom: a static site with feeds, built from what was published.

``presser site`` (:func:`presser.site.build.build_site`) turns ``published/``
into pages, feeds (:mod:`.feeds`), a sitemap and downloads. What is shown is
:mod:`.sources` (published versions only, none before its time), what each
version's page says is read back from the frozen page (:mod:`.frozen`), the
templates' data is :mod:`.pages`, and :mod:`.output` puts the site in place
in one step, writing only what changed.
"""
