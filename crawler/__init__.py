"""crawler: owns crawling — a Scrapy project that walks marketplaces as their platform profiles describe.

- ``crawler.profiles``: declarative platform profiles (YAML), their validation, the built-in demo ones;
- ``crawler.spiders.profile``: the one generic, profile-driven spider;
- ``crawler.items``, ``crawler.pipelines`` (normalise → persist → snapshot → screenshot → score/queue),
  ``crawler.middlewares`` (politeness: retries, Retry-After, block pages, truncated pages; fingerprints;
  browser-context rotation), ``crawler.settings`` (the Scrapy settings of a crawl);
- ``crawler.browser``: Chromium through scrapy-playwright (rendering, resource blocking, screenshots);
  ``crawler.browser_handler``: its download handler (no Python route on pages to be screenshotted, the
  listing's pictures taken from the page);
- ``crawler.distributed``: scrapy-redis shared frontier for several crawler processes;
- ``crawler.run``: ``crawl(CrawlOptions(platform, ...))``, which runs each crawl in its own process,
  resuming an interrupted one;
- ``crawler.extensions``: the crawl-run recorder (row, progress bar, resume log);
- ``crawler.progress``: terminal progress bars fitted to the width, in the words the caller gives (the
  command line and the scheduler use it for their own bars too).

May import: storage, brands (approved brands' marks for keyword crawls; the scorer's registry),
scoring (the score-and-queue pipeline step), settings. Nothing imports crawler except the command
line and the scheduler.
"""
