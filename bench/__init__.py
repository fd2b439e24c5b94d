"""Koodak's benchmarks: national-scale data and the pages and jobs that must stay fast on it.

See docs/performance.md. Run with `make bench` (national) or `make bench SCALE=small`.
"""
