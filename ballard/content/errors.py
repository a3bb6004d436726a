"""The error a pack that cannot be loaded raises."""

from __future__ import annotations


class PackError(ValueError):
    """A pack that cannot be loaded; str() names the file, row and field of each problem."""

    def __init__(self, source: str, problems: list[str]):
        self.source = source
        self.problems = problems
        super().__init__("\n".join(f"{source}: {p}" for p in problems))
