"""setuptools' build of markwatch (its configuration is in pyproject.toml): scoring/latin.py, the
weighted edit distance the Latin matcher spends most of its time in, is compiled to C with mypyc.

The compiled module sits next to scoring/latin.py and is imported in its place (Python prefers an
extension module to a source file of the same name); it gives the same values. Without a C compiler
the extension is skipped (optional) and the plain module is used, about twice as slow. After a change
to scoring/latin.py, reinstall (make install does) or the compiled module still answers.
"""

from mypyc.build import mypycify
from setuptools import setup

# mypy reads only the module it compiles, whatever the project's configuration: what it imports is
# plain Python at run time, and the build's environment has none of markwatch's dependencies
extensions = mypycify(
    ["--config-file=", "--follow-imports=skip", "--ignore-missing-imports", "scoring/latin.py"]
)
for extension in extensions:
    extension.optional = True
setup(ext_modules=extensions)
