"""Blueprints by audience: guide (HTML for viewers)."""
