"""The demo: `manage.py seed_demo` fills an empty installation with organisations, one user of
every role, and each app's demo data (`ngos.demo`, `children.demo`, `meetings.demo`).

It lives in its own app because it depends on every domain app, which nothing else may.
"""
