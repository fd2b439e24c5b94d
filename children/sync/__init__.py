"""The offline street day (issue 19): what a phone keeps, and the items it sends back (RE-08).

`models` holds the received items (registered in the children app), `items` applies one item
through the same forms and services as the pages, `bundle` is what the phone may keep, `api`
the two endpoints and `pages` the offline shell and the service worker.
"""
