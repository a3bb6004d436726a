"""Content packs: the YAML format, loading, dumping and the spoiler lint."""

import re
from pathlib import Path

SHIPPED_PACKS_DIR = Path(__file__).parent
SEASON_FILE = re.compile(r"season-([1-9][0-9]*)\.yaml")


def season_file_name(number: int) -> str:
    return f"season-{number}.yaml"


def shipped_packs() -> list[Path]:
    """Every season file that ships with the app: one folder per show, seasons in order."""

    def order(path: Path) -> tuple[str, int, str]:
        match = SEASON_FILE.fullmatch(path.name)
        return path.parent.name, int(match.group(1)) if match else 0, path.name

    return sorted(SHIPPED_PACKS_DIR.glob("*/*.yaml"), key=order)
