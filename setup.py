"""setuptools' build of markwatch (its configuration is in pyproject.toml): the matcher, where scoring
spends most of its time (scoring/matcher.py, and scoring/latin.py, its weighted edit distance), is
compiled to C with mypyc.

Each compiled module sits next to its source and is imported in its place (Python prefers an extension
module to a source file of the same name); it gives the same results. Without a C compiler the
extensions are skipped (optional) and the plain modules are used, slower. After a change to one of
these sources, reinstall (make install does) or the compiled module still answers.
"""

from mypyc.build import mypycify
from setuptools import setup

# mypy reads only the module it compiles, whatever the project's configuration: what it imports is
# plain Python at run time, and the build's environment has none of markwatch's dependencies
extensions = mypycify(
    [
        "--config-file=",
        "--follow-imports=skip",
        "--ignore-missing-imports",
        "scoring/latin.py",
        "scoring/matcher.py",
    ],
    group_name="scoring.compiled",  # their shared library: scoring/compiled__mypyc*.so
)
for extension in extensions:
    extension.optional = True
setup(ext_modules=extensions)
