"""Characters: a name and role from their introduction, and stamped bio, status and alias rows."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Annotated

from pydantic import Field, StringConstraints
from sqlalchemy import select
from sqlalchemy.orm import Session

from ballard.models import Character, CharacterAlias, CharacterBio, CharacterStatus, EntityKind
from ballard.story.fields import (
    MAX_ROWS,
    Editor,
    NotLinted,
    Row,
    ShortText,
    Shown,
    Slug,
    Stamp,
    Text,
    by_stamp,
    no_control_characters,
)
from ballard.story.kind import NAME, SLUGGED_PAGE, TEXT, IndexEntry, SearchDoc, StoryKind

StatusText = Annotated[
    str, StringConstraints(strip_whitespace=True, min_length=1, max_length=60), no_control_characters
]
RoleText = Annotated[
    str, StringConstraints(strip_whitespace=True, min_length=1, max_length=300), no_control_characters
]


class BioIn(Row):
    revealed_in: Annotated[Stamp, Editor("Shown from")]
    text: Annotated[
        Text,
        Shown("revealed_in"),
        Editor("Bio", missing="Write the bio, or set the episode to — to drop the row.", lines=2),
    ]


class CharacterStatusIn(Row):
    revealed_in: Annotated[Stamp, Editor("Shown from")]
    status: Annotated[
        StatusText, Shown("revealed_in"), Editor("Status", missing="Give a short status, such as active.")
    ]
    note: Annotated[Text | None, Shown("revealed_in"), Editor("Note", lines=2)] = None


class AliasIn(Row):
    revealed_in: Annotated[Stamp, Editor("Shown from")]
    alias: Annotated[
        ShortText,
        Shown("revealed_in"),
        Editor("Alias", missing="Write the alias, or set the episode to — to drop the row."),
    ]


class CharacterIn(Row):
    slug: Annotated[Slug, Shown("introduced_in")]  # in the addresses of their pages
    name: Annotated[ShortText, Shown("introduced_in"), Editor("Name")]
    short_names: Annotated[
        list[ShortText],
        NotLinted("never shown: what the lint looks for"),
        Editor(
            "Short names",
            hint="Comma-separated spellings the spoiler lint looks for, such as "
            "Ballard, Renée. Never shown to viewers.",
        ),
    ] = []
    introduced_in: Annotated[Stamp, Editor("Introduced in")]
    role: Annotated[RoleText, Shown("introduced_in"), Editor("Role", hint="Short, safe at the stamp above.")]
    actor: Annotated[ShortText | None, Shown("introduced_in"), Editor("Played by")] = None
    bios: Annotated[list[BioIn], Field(max_length=MAX_ROWS), Editor("Bio, in stages")] = []
    statuses: Annotated[list[CharacterStatusIn], Field(max_length=MAX_ROWS), Editor("Status")] = []
    aliases: Annotated[list[AliasIn], Field(max_length=MAX_ROWS), Editor("Aliases")] = []


def fill(row: Character, data: CharacterIn) -> None:
    """Make `row` say what `data` says (pack loads and editor saves alike)."""
    row.name, row.short_names, row.introduced_in = data.name, list(data.short_names), data.introduced_in
    row.role, row.actor = data.role, data.actor
    row.bios = [CharacterBio(revealed_in=b.revealed_in, text=b.text) for b in by_stamp(data.bios)]
    row.statuses = [
        CharacterStatus(revealed_in=s.revealed_in, status=s.status, note=s.note)
        for s in by_stamp(data.statuses)
    ]
    row.aliases = [CharacterAlias(revealed_in=a.revealed_in, alias=a.alias) for a in by_stamp(data.aliases)]


def dump(row: Character) -> CharacterIn:
    """The row as the pack (and the editor's snapshot) has it."""
    return CharacterIn(
        slug=row.slug,
        name=row.name,
        short_names=row.short_names,
        introduced_in=row.introduced_in,
        role=row.role,
        actor=row.actor,
        bios=[BioIn(revealed_in=b.revealed_in, text=b.text) for b in row.bios],
        statuses=[
            CharacterStatusIn(revealed_in=s.revealed_in, status=s.status, note=s.note) for s in row.statuses
        ],
        aliases=[AliasIn(revealed_in=a.revealed_in, alias=a.alias) for a in row.aliases],
    )


class CharacterLater(Row):
    """A character an earlier season defines, in a later season's file: only the bio,
    status and alias rows stamped in that season."""

    slug: Slug
    bios: Annotated[list[BioIn], Field(max_length=MAX_ROWS)] = []
    statuses: Annotated[list[CharacterStatusIn], Field(max_length=MAX_ROWS)] = []
    aliases: Annotated[list[AliasIn], Field(max_length=MAX_ROWS)] = []


def terms(c: CharacterIn) -> Iterator[tuple[str, int, str]]:
    """Their name and short names from their introduction, each alias from its own stamp."""
    for name in (c.name, *c.short_names):
        yield name, c.introduced_in, f"character {c.slug!r}, introduced in {c.introduced_in}"
    for a in c.aliases:
        yield a.alias, a.revealed_in, f"alias of {c.slug!r}, revealed in {a.revealed_in}"


def search_doc(c: Character) -> SearchDoc:
    """A character's search hit: what its name, role, aliases and ties are found on."""
    return SearchDoc(f"character:{c.slug}", "character", c.slug, c.name, c.sort_order)


def search(session: Session, show_id: int) -> Iterator[IndexEntry]:
    """Name, role and actor from the introduction; each alias from its own stamp."""
    for c in session.scalars(select(Character).where(Character.show_id == show_id)):
        doc = search_doc(c)
        yield doc, NAME, c.name, c.introduced_in
        # Role and actor kept apart in the snippet ("The detective · Pat Example").
        yield doc, TEXT, " · ".join(filter(None, (c.role, c.actor))), c.introduced_in
    for a, c in session.execute(
        select(CharacterAlias, Character).join(Character).where(Character.show_id == show_id)
    ):
        yield search_doc(c), NAME, a.alias, max(a.revealed_in, c.introduced_in)


CHARACTER = StoryKind(
    EntityKind.CHARACTER.value,
    "character",
    CharacterIn,
    Character,
    {"bios": CharacterBio, "statuses": CharacterStatus, "aliases": CharacterAlias},
    list_name="characters",
    dump=dump,
    later=CharacterLater,
    stamp="introduced_in",
    fill=lambda row, data, placed: fill(row, data),
    eager=(Character.bios, Character.statuses, Character.aliases),
    template=SLUGGED_PAGE,
    arg="character",
    warn_empty={"bios": "no bio rows"},
    terms=terms,
    search=search,
    api={
        "characters": "Characters introduced by h, as of h",
        "character": "One character as of h: bio, status timeline, appearances",
    },
)
