"""What the spider hands to the pipelines: one detail page, its extracted field texts, and the fetch."""

from __future__ import annotations

import scrapy


class ListingItem(scrapy.Item):
    platform = scrapy.Field()  # profile name, e.g. demo-static
    external_id = scrapy.Field()  # the listing's id on the platform (text as extracted)
    url = scrapy.Field()  # the address requested
    final_url = scrapy.Field()  # the address after redirects
    status = scrapy.Field()  # HTTP status of the page
    headers = scrapy.Field()  # response headers, {name: value}
    request_headers = scrapy.Field()  # the request's headers as sent, {name: value} (no cookies)
    body = scrapy.Field()  # bytes: the HTML (for browser pages: the rendered DOM)
    fetched_at = scrapy.Field()  # aware datetime (UTC)
    raw = scrapy.Field()  # {field: text as the page showed it}; seller fields under "seller"
    gone = scrapy.Field()  # the page says the listing does not exist (any more)
    rendered = scrapy.Field()  # fetched through the browser
    screenshot = scrapy.Field()  # bytes: full-page PNG (browser pages), or None
    default_currency = scrapy.Field()  # the profile's platform currency (top-level ``currency``), or None
    fingerprint = scrapy.Field()  # the request's fingerprint (hex), for the resume log
    page_images = scrapy.Field()  # {url: {headers, body}}: images the browser loaded, for the image pipeline
    images_fetched = scrapy.Field()  # [{url, sha256, phash, size, …}], set by the image pipeline
    record = scrapy.Field()  # the listing record, set by the normalising pipeline
    listing_pk = scrapy.Field()  # listings.id, set by the persisting pipeline
    stored_record = scrapy.Field()  # the listing record as that pipeline wrote it: what the scorer reads
    snapshot_pk = scrapy.Field()  # snapshots.id, set by the snapshot pipeline
    html_sha256 = scrapy.Field()  # the HTML's blob, set by the snapshot pipeline
    screenshot_sha256 = scrapy.Field()  # the PNG's blob, set by the screenshot pipeline
    warc_sha256 = scrapy.Field()  # the page's WARC file (blob), set by the snapshot pipeline
