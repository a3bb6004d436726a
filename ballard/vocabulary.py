"""The relationship vocabulary: every kind of tie between two characters, and its words.

One place for it: the database's check constraint, the pack format and the editor's
choices take the kinds from `RelationshipKind`; every page, the API and the search index
take the words from `WORDS`. A relationship row reads "who <kind> whom" ("Ted Rawls works
for Renée Ballard"); `forward` is said from who's side, `reverse` from whom's side (on
whom's character page: "employs Ted Rawls"). A symmetric kind reads the same both ways.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass


class RelationshipKind(enum.StrEnum):
    PARENT = "parent"
    CHILD = "child"
    SIBLING = "sibling"
    GRANDPARENT = "grandparent"
    SPOUSE = "spouse"
    PARTNER = "partner"  # police partners
    FORMER_PARTNER = "former-partner"  # partners before the row's episode
    ROMANCE = "romance"
    WORKS_FOR = "works-for"
    MENTOR = "mentor"
    INFORMANT = "informant"
    RIVAL = "rival"  # rival or enemy
    SUSPECT_OF = "suspect-of"  # who is a suspect in the case of whom (a victim)

    @property
    def choice_label(self) -> str:
        """The kind in an editor's list of choices, as "who <this> whom" reads: "works for"."""
        return WORDS[self].forward


@dataclass(frozen=True)
class KindWords:
    forward: str  # "works for": who's side
    reverse: str  # "employs": whom's side
    label: str  # the kind's name in a legend or a list of choices

    @property
    def symmetric(self) -> bool:
        return self.forward == self.reverse


WORDS: dict[RelationshipKind, KindWords] = {
    RelationshipKind.PARENT: KindWords("parent of", "child of", "parent"),
    RelationshipKind.CHILD: KindWords("child of", "parent of", "child"),
    RelationshipKind.SIBLING: KindWords("sibling of", "sibling of", "sibling"),
    RelationshipKind.GRANDPARENT: KindWords("grandparent of", "grandchild of", "grandparent"),
    RelationshipKind.SPOUSE: KindWords("married to", "married to", "spouse"),
    RelationshipKind.PARTNER: KindWords("police partner of", "police partner of", "police partner"),
    RelationshipKind.FORMER_PARTNER: KindWords("former partner of", "former partner of", "former partner"),
    RelationshipKind.ROMANCE: KindWords(
        "romantically involved with", "romantically involved with", "romance"
    ),
    RelationshipKind.WORKS_FOR: KindWords("works for", "employs", "works for"),
    RelationshipKind.MENTOR: KindWords("mentor of", "mentored by", "mentor"),
    RelationshipKind.INFORMANT: KindWords("informant for", "has as an informant", "informant"),
    RelationshipKind.RIVAL: KindWords("at odds with", "at odds with", "rival or enemy"),
    RelationshipKind.SUSPECT_OF: KindWords("a suspect in the case of", "has as a suspect", "suspect"),
}


def words(kind: str, from_whom: bool = False) -> str:
    """The kind in words, from who's side or (from_whom) from whom's side."""
    entry = WORDS[RelationshipKind(kind)]
    return entry.reverse if from_whom else entry.forward
