"""Readable HTML for analysed documents: the self-contained report page and the fragments
(article with layered marks, side panels, stylesheet, script) that the web app reuses."""
