"""The editor: accounts, forms, entity snapshots, changes with lint and revision history.

The editor is not viewer-side. It reads and writes story tables directly (not through
the horizon gate), and every editor page requires a signed-in editor.
"""
