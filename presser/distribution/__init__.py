"""Sending published releases by e-mail (presser send): recipients, messages, later SMTP.

Works only from what ``presser publish`` put in ``published/<stem>/v<N>/`` (read
through :mod:`presser.editorial.manifest`), never from a fresh render of the
source, so what is sent is what was approved and published. It sits above
editorial (it imports :mod:`presser.source`, :mod:`presser.render` for a
wire's own text style, and :mod:`presser.editorial`) and below :mod:`presser.cli`,
which calls it; like every layer below the CLI it prints nothing.
"""
