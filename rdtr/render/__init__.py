"""Maps: the standard colours (``style``), Folium previews (``preview``), PDF map extracts (``extract``),
zone layers for the web map (``tiles``) and coordinate parsing for "find a place" (``coords``).

Library code: imports no web framework.
"""
