"""brands: the brand registry — the registry file format and its strict validation, import (all or
nothing, idempotent) and export, official images, and the registry handed to the scorer.

It may import ``storage`` and ``scoring`` (plain data types and the lookalike matcher for the squatting
check); nothing imports it but the command line, the scheduler and the web app.
"""
