"""brands: the brand registry — the registry file format and its strict validation, import (all or
nothing, idempotent) and export, official images, the registry handed to the scorer, and the one path
from a listing to a lead (``brands.queueing``: score with it, queue by the installation's rules).

It may import ``storage``, ``networks`` (the one path also links shops into seller networks) and
``scoring`` (plain data types and the lookalike matcher for the squatting check); nothing imports it
but the command line, the scheduler, the crawler and the web app.
"""
