"""One router per resource: auth, queue, leads, brands, admin, api."""
