"""Organisation pages: the directory and profiles, verification, and staff management."""
