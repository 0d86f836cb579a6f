"""review.cases: cases (案件线索) as the bureau works them — a seller network's leads gathered, the case
page's figures and graph, the documents the bureau issues (线索交办单 / 移送函 / 涉嫌犯罪案件移送书 and
the platform notice under 电子商务法 Articles 42–45) as DOCX and PDF, and the case's evidence packet.

Owns ``review/cases/``. The documents are generated from plain frozen values (``documents.CaseData``), so
they can be built and tested without a database. May import storage (all SQL through its repository
functions), settings, and of review: ``review.evidence`` (the packet, its signature and the report's
embedded CJK font, through their public names), ``review.uscc``, ``review.routing``, ``review.format``
and ``review.i18n``. python-docx and reportlab are imported only when a document is built.
"""

from __future__ import annotations
