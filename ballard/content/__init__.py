"""Content packs: the YAML format, loading, dumping and the spoiler lint."""

from pathlib import Path

SHIPPED_PACKS_DIR = Path(__file__).parent


def shipped_packs() -> list[Path]:
    """Every pack that ships with the app, in a stable order (one folder per show)."""
    return sorted(p for p in SHIPPED_PACKS_DIR.glob("*/*.yaml"))
