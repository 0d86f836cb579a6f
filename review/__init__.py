"""review: the web app (FastAPI + Jinja2, zh-CN first) — queue, lead pages, decisions, brand-owner
portal, exports, digest, status and the JSON API under /api/v1, with its auth and roles.

Owns ``review/`` except ``review/evidence/`` (evidence packets, used here through their public
functions); ``review/uscc.py`` words the USCC check of ``networks.uscc`` for readers. May import
storage, networks, brands, scoring and settings; all SQL goes through storage's repository functions.

Routers (``review/routes/``) import services, never each other's: ``review.decisions`` (who may decide
what, the decision, the re-scoring after a blacklisting), ``review.filters`` (queue filters from query
parameters) and ``review.counts`` (the queue's facet counts and their cache).
"""

from __future__ import annotations
