"""Many releases at once: ``presser build``, incremental and on every core.

The build itself (``run``), one release's task, result and render (``task``),
what is up to date (``cache``), the worker processes (``pool``), the process
that imports WeasyPrint once and forks the PDF workers (``zygote``) and how
far a build has come (``progress``).

Imports every layer below it (``source``, ``render``, ``editorial``); never
the command line.
"""
