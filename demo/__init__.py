"""The bundled demo marketplaces: the embedded default that markwatch runs on.

Owns:
- ``demo.catalogue``: the seeded, deterministic catalogue of Chinese listings (genuine, resellers,
  lookalike marks, counterfeits, banned agricultural inputs, false advertising, substandard fuel,
  hard negatives, a few hostile listings), each with its true label, and the embedded default
  brand registry ``demo/brands.yaml``;
- ``demo.static_site``: the server-rendered marketplace (``demo-static``);
- ``demo.spa_site``: the JavaScript single-page marketplace (``demo-spa``);
- ``demo.faults``: the switchable hostility (500, 429, slow, truncated, captcha);
- ``demo.images``: the generated product tiles;
- ``demo.server``: ``serve(...)`` (blocking) and ``DemoServers`` (background, for tests and ``run``);
- ``PORTS``: each marketplace's default port (its profile's ``base_url`` says the same), and
  ``BRANDS_FILE``: the embedded default brand registry.

May import: nothing of the project. The demo stands alone (standard library, starlette, uvicorn,
jinja2, pyyaml, pillow, pypinyin, python-stdnum), so it can be started anywhere without a database.
"""

from pathlib import Path

PORTS = {"demo-static": 8801, "demo-spa": 8802}
BRANDS_FILE = Path(__file__).with_name("brands.yaml")  # the embedded default brand registry
