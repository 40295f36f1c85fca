"""Measured figures of the template and of what it generates (``make bench``); see README.md."""
