"""Import an episode table from HTML (the usual Wikipedia "List of ... episodes" layout)
into a draft content pack.

The draft holds the show, the season and one row per episode (number, title, writer,
director, release date), and nothing else: the premise is a placeholder, and storylines,
characters, plot points and questions are for editors to write in our own words.

Tables in the wild are messy, so the reader is forgiving where it is safe and strict
where guessing would be wrong:
- rowspan and colspan are expanded into a grid first, so a release date or director
  shared by several rows lands on each of them;
- columns are found by their header text ("No. in season", "Title", "Directed by",
  "Written by", "Original release date"), and any other column is ignored;
- footnote markers ([1], [a]), hidden sort keys, and quotes around titles are dropped;
- "TBA", "TBD" and empty cells mean unknown and are left out of the pack;
- rows that are not episodes (summaries spanning the table, sub-headings) are skipped;
- episode numbers must run 1..n in order, or the import stops and says which are off.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from dataclasses import dataclass, field

from bs4 import BeautifulSoup, Tag
from pydantic import ValidationError

from ballard.content.schema import EpisodeIn, PackIn, SeasonIn, ShowIn, ShowRef
from ballard.story.fields import describe_errors

PLACEHOLDER_PREMISE = "Premise to be written: in our own words, and safe for someone who has seen nothing."
UNKNOWN = {"", "tba", "tbd", "tbc", "tba.", "n/a", "—", "–", "-", "unknown", "untitled"}
MAX_SPAN = 200  # a rowspan or colspan larger than this is treated as this
_FOOTNOTE = re.compile(r"\[\s*(?:\d{1,3}|[a-z]{1,2}|note\s*\d+|nb\s*\d+|citation needed)\s*\]", re.IGNORECASE)
# A title in straight or curly double quotes (single quotes would catch apostrophes).
_QUOTED = re.compile(r'^\s*(?:"(.+)"|“(.+)”|„(.+)“)')
_DATE_FORMATS = ("%B %d, %Y", "%d %B %Y", "%b %d, %Y", "%d %b %Y", "%Y-%m-%d", "%B %d %Y")


class ImportProblem(ValueError):
    """The HTML cannot be turned into a draft pack; the message says why."""


@dataclass
class Imported:
    pack: PackIn
    warnings: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class _Columns:
    overall: int | None
    in_season: int | None
    title: int
    director: int | None
    writer: int | None
    date: int | None


# --- the public entry point --------------------------------------------------------------------


def import_episodes(
    html: str, *, table: int = 1, season: int = 1, show_title: str | None = None, show_slug: str | None = None
) -> Imported:
    """Read the `table`-th episode table (1 = the first) of `html` into a draft pack."""
    soup = BeautifulSoup(html, "html.parser")
    tables = [(t, cols) for t in soup.find_all("table") if (cols := _columns(_grid(t)))]
    if not tables:
        raise ImportProblem(
            "No episode table found: need a table whose header row has a Title column and "
            "an episode number column (No., No. in season or No. overall)."
        )
    if not 1 <= table <= len(tables):
        raise ImportProblem(
            f"There are {len(tables)} episode table(s); --table must be 1 to {len(tables)}, not {table}."
        )
    chosen, columns = tables[table - 1]
    warnings: list[str] = []
    rows = _episode_rows(_grid(chosen), columns, warnings)
    if not rows:
        raise ImportProblem("The episode table has no episode rows.")

    title = show_title or _title_from_page(soup)
    if not title:
        raise ImportProblem("Cannot tell the show's title from the page; pass --title.")
    slug = show_slug or _slugify(title)
    first_position = rows[0].overall or 1
    numbers = [r.number for r in rows]
    if numbers != list(range(1, len(rows) + 1)):
        raise ImportProblem(
            f"Episode numbers must run 1..{len(rows)} in order; the table has "
            f"{', '.join(str(n) for n in numbers)}."
        )
    episodes = []
    for r in rows:
        try:
            episodes.append(
                EpisodeIn(
                    number=r.number,
                    title=r.title,
                    writer=r.writer,
                    director=r.director,
                    release_date=r.release_date,
                )
            )
        except ValidationError as exc:
            raise ImportProblem(f"Episode {r.number}: {'; '.join(describe_errors(exc))}") from None
    try:
        # A later season's file names its show by slug alone; season 1 defines it.
        show = (
            ShowIn(slug=slug, title=title, premise=PLACEHOLDER_PREMISE) if season == 1 else ShowRef(slug=slug)
        )
        pack = PackIn(
            format=1,
            show=show,
            season=SeasonIn(number=season, first_position=first_position),
            episodes=episodes,
        )
    except ValidationError as exc:
        raise ImportProblem(f"Show: {'; '.join(describe_errors(exc))} (pass --title and --slug)") from None
    return Imported(pack, warnings)


def import_seasons(
    html: str, *, show_title: str | None = None, show_slug: str | None = None
) -> list[Imported]:
    """Every episode table of the page as one season's draft, table n as season n, each
    season's positions following on from the one before."""
    count = len([t for t in BeautifulSoup(html, "html.parser").find_all("table") if _columns(_grid(t))])
    drafts: list[Imported] = []
    for number in range(1, count + 1):
        draft = import_episodes(html, table=number, season=number, show_title=show_title, show_slug=show_slug)
        if drafts:
            show_slug = show_slug or drafts[0].pack.show.slug
            follows = drafts[-1].pack.last_position + 1
            if draft.pack.season.first_position != follows:
                draft = Imported(
                    draft.pack.model_copy(update={"season": SeasonIn(number=number, first_position=follows)}),
                    draft.warnings,
                )
        drafts.append(draft)
    if not drafts:
        raise ImportProblem("No episode table found.")
    return drafts


# --- the grid ----------------------------------------------------------------------------------


def _span(value: object) -> int:
    match = re.match(r"\s*(\d+)", str(value or "1"))
    return max(1, min(int(match.group(1)), MAX_SPAN)) if match else 1


def _grid(table: Tag) -> list[list[Tag]]:
    """The table's cells with rowspan and colspan expanded; nested tables are not rows."""
    grid: list[list[Tag]] = []
    pending: dict[int, tuple[Tag, int]] = {}  # column -> (cell, rows it still covers)
    for tr in table.find_all("tr"):
        if tr.find_parent("table") is not table:
            continue
        cells = tr.find_all(["td", "th"], recursive=False)
        row: list[Tag] = []
        col = i = 0
        while i < len(cells) or col in pending:
            if col in pending:
                cell, left = pending.pop(col)
                if left > 1:
                    pending[col] = (cell, left - 1)
                row.append(cell)
                col += 1
                continue
            cell = cells[i]
            i += 1
            rowspan = _span(cell.get("rowspan"))
            for _ in range(_span(cell.get("colspan"))):
                if rowspan > 1:
                    pending[col] = (cell, rowspan - 1)
                row.append(cell)
                col += 1
        grid.append(row)
    return grid


def _is_header(row: list[Tag]) -> bool:
    return bool(row) and all(c.name == "th" and c.get("scope") != "row" for c in row)


def _columns(grid: list[list[Tag]]) -> _Columns | None:
    """Find the columns by the header row's text; None when this is no episode table."""
    header = next((row for row in grid if _is_header(row)), None)
    if header is None:
        return None
    found: dict[str, int] = {}
    for index, cell in enumerate(header):
        text = " ".join(_lines(cell)).lower().replace(".", "")
        name = None
        if "title" in text:
            name = "title"
        elif "direct" in text:
            name = "director"
        elif "written" in text or "writer" in text or "teleplay" in text:
            name = "writer"
        elif "release" in text or "air date" in text or "airdate" in text or "premiere" in text:
            name = "date"
        elif "in season" in text or "inseason" in text or text in ("episode", "ep", "no in series"):
            name = "in_season"
        elif "overall" in text or "in series" in text:
            name = "overall"
        elif text in ("no", "#", "number", "episode no", "ep no"):
            name = "number"
        if name and name not in found:
            found[name] = index
    if "number" in found:  # a lone "No." column numbers the episodes within the table
        found.setdefault("in_season", found.pop("number"))
    if "title" not in found or not ({"in_season", "overall"} & set(found)):
        return None
    return _Columns(
        found.get("overall"),
        found.get("in_season"),
        found["title"],
        found.get("director"),
        found.get("writer"),
        found.get("date"),
    )


# --- rows --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Row:
    number: int
    overall: int | None
    title: str | None
    director: str | None
    writer: str | None
    release_date: dt.date | None


def _episode_rows(grid: list[list[Tag]], columns: _Columns, warnings: list[str]) -> list[_Row]:
    rows: list[_Row] = []
    seen: set[int] = set()  # number cells already read: a rowspan carries them down
    for index, cells in enumerate(grid):
        if _is_header(cells) or len(set(map(id, cells))) < 2:
            continue  # the header, or a summary / sub-heading spanning the table

        def cell(col: int | None, cells=cells) -> Tag | None:
            return cells[col] if col is not None and col < len(cells) else None

        number_cell = cell(columns.in_season) or cell(columns.overall)
        if number_cell is None or id(number_cell) in seen:
            continue  # a summary row under an episode whose number cell spans both
        seen.add(id(number_cell))
        overall = _number(cell(columns.overall))
        in_season = _number(cell(columns.in_season))
        if overall is None and in_season is None:
            continue
        number = in_season if in_season is not None else len(rows) + 1
        where = f"table row {index + 1} (episode {number})"
        title_cell = cell(columns.title)
        rows.append(
            _Row(
                number=number,
                overall=overall,
                title=_title(title_cell) if title_cell is not None else None,
                director=_names(cell(columns.director)),
                writer=_names(cell(columns.writer)),
                release_date=_date(cell(columns.date), where, warnings),
            )
        )
    return rows


def _lines(cell: Tag | None) -> list[str]:
    """A cell's visible lines without footnotes, hidden spans or extra whitespace."""
    if cell is None:
        return []
    cell = BeautifulSoup(str(cell), "html.parser")  # a copy: the grid shares cells
    for hidden in cell.select('sup, .reference, .sortkey, [style*="display:none"], [style*="display: none"]'):
        hidden.decompose()
    for br in cell.find_all("br"):
        br.replace_with("\n")
    text = _FOOTNOTE.sub("", cell.get_text())
    lines = [re.sub(r"\s+", " ", line).strip() for line in text.split("\n")]
    return [line for line in lines if line]


def _clean(cell: Tag | None) -> str:
    """Lines of a cell joined with "; " (two writers on two lines become "A; B")."""
    return "; ".join(_lines(cell))


def _known(text: str) -> str | None:
    return None if text.strip().lower() in UNKNOWN else text.strip()


def _number(cell: Tag | None) -> int | None:
    match = re.fullmatch(r"(\d{1,4})[a-z]?", _clean(cell))
    return int(match.group(1)) if match else None


def _title(cell: Tag) -> str | None:
    """The first line (a second one is usually an alternate title), without its quotes."""
    lines = _lines(cell)
    text = lines[0] if lines else ""
    quoted = _QUOTED.match(text)
    if quoted:
        text = next(group for group in quoted.groups() if group is not None)
    return _known(text)


def _names(cell: Tag | None) -> str | None:
    return _known(_clean(cell))


def _date(cell: Tag | None, where: str, warnings: list[str]) -> dt.date | None:
    if cell is None:
        return None
    marked = cell.select_one(".dtstart, .bday, .published")
    if marked is not None:
        try:
            return dt.date.fromisoformat(marked.get_text(strip=True))
        except ValueError:
            pass
    text = re.sub(r"\([^)]*\)", "", _clean(cell)).strip()
    if _known(text) is None:
        return None
    for fmt in _DATE_FORMATS:
        try:
            return dt.datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    warnings.append(f"{where}: release date {text!r} is not a full date; left out.")
    return None


# --- the show ----------------------------------------------------------------------------------


def _title_from_page(soup: BeautifulSoup) -> str | None:
    heading = soup.find("h1")
    for text in (
        heading.get_text(" ", strip=True) if heading else "",
        soup.title.get_text(" ", strip=True) if soup.title else "",
    ):
        match = re.search(r"List of (.+?) episodes", text, re.IGNORECASE)
        if match:
            return re.sub(r"\s*\((?:TV series|\d{4} TV series)\)", "", match.group(1)).strip()
    return None


def _slugify(title: str) -> str:
    plain = unicodedata.normalize("NFKD", title).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", plain.lower()).strip("-")
    return slug[:80].rstrip("-") or "show"
