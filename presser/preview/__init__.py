"""``presser serve``: a local preview of releases as they will go out, reloaded on every save.

The pieces, each in a module of its own: what changed on disk (:mod:`.watch`,
polling the files' sizes and times, their bytes hashed only when those moved),
what a release looks like now and what each view of it shows (:mod:`.session`,
rendering through :func:`presser.render.pipeline.render_outputs`), the one
warm PDF printer they share (:mod:`.printing`), an error shown with the line
it is about (:mod:`.problems`), the preview's own pages (:mod:`.pages`) and
the HTTP side, which serves only what those give it (:mod:`.server`).
"""
