"""The load test: gunicorn with the production settings, driven by Locust (issue 21).

`bench/scenarios/load.py` starts the server and Locust as separate processes (Locust patches the
standard library with gevent, which the bench's own process must not get) and reads Locust's CSV.
"""
