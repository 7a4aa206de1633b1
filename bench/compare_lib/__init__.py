"""bench/compare.py's pieces: setup, the servers under test, the scenarios, the report and plots."""
