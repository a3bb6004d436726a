"""The OpenAPI 3.1 document of the JSON API (ballard/views/api.py), served at
/api/v1/openapi.json.

The component schemas are generated from the answer shapes (ballard/views/api_shapes.py)
that the API builds every answer through; the rest (paths, parameters, responses) is
written here as plain data so it reads as a contract. tests/test_api.py fails when a
route is missing here or a path here has no route, checks real answers against the
schemas, and checks that every object schema stays closed with all properties required;
tests/test_fuzz.py fuzzes the API from this document with Schemathesis.
"""

from __future__ import annotations

import json
from functools import cache
from typing import Any, cast

from pydantic import BaseModel
from pydantic.json_schema import GenerateJsonSchema, models_json_schema

from ballard.horizon import SEARCH_KINDS, SEARCH_PAGE_SIZE
from ballard.story.fields import EPISODE_CODE_REGEX, SLUG_MAX_LENGTH, SLUG_REGEX
from ballard.story.kinds import KINDS
from ballard.views.api_shapes import (
    Character,
    CharacterList,
    ConnectionList,
    EpisodeList,
    Error,
    Home,
    NextSeason,
    QuestionAnswer,
    QuestionBoard,
    Recap,
    SearchResults,
    Show,
    ShowList,
    Story,
    Storyline,
    StorylineList,
    Suggestions,
    Timeline,
)
from ballard.views.guide import MAX_QUERY_LENGTH

Schema = dict[str, Any]

SLUG_PATTERN = f"^{SLUG_REGEX}$"
EPISODE_PATTERN = f"^{EPISODE_CODE_REGEX}$"


class _UntitledSchemas(GenerateJsonSchema):
    """Pydantic's schemas without the per-property titles it makes from field names."""

    def field_title_should_be_set(self, schema: Any) -> bool:
        return False


def component_schemas(
    models: list[type[BaseModel]],
) -> tuple[dict[type[BaseModel], Schema], dict[str, Schema]]:
    """({model: its $ref}, {schema name: schema}) for the models and all they contain, as
    answers are served (serialization mode)."""
    refs, top = models_json_schema(
        [(m, "serialization") for m in models],
        ref_template="#/components/schemas/{model}",
        schema_generator=_UntitledSchemas,
    )
    # A schema's name is its key in the document; the title pydantic copies from the
    # class name would only repeat it.
    schemas = {
        name: {k: v for k, v in schema.items() if k != "title"} for name, schema in top["$defs"].items()
    }
    # (every key's model is one of `models`: BaseModels, no pydantic dataclasses)
    return {cast(type[BaseModel], model): ref for (model, _mode), ref in refs.items()}, schemas


# What the operations answer; the schemas of all they contain come with them.
ANSWERS: list[type[BaseModel]] = [
    ShowList,
    Show,
    Home,
    EpisodeList,
    Recap,
    Story,
    StorylineList,
    Storyline,
    CharacterList,
    Character,
    ConnectionList,
    QuestionBoard,
    QuestionAnswer,
    NextSeason,
    Timeline,
    SearchResults,
    Suggestions,
]
REFS, SCHEMAS = component_schemas([Error, *ANSWERS])


def _path_parameter(name: str, description: str, schema: Schema, example: Any) -> Schema:
    return {
        "name": name,
        "in": "path",
        "required": True,
        "description": description,
        "schema": schema,
        "example": example,
    }


# What the URL converters accept (ballard/converters.py): anything else is the 404.
SLUG: Schema = {"type": "string", "pattern": SLUG_PATTERN, "maxLength": SLUG_MAX_LENGTH}
EPISODE_CODE: Schema = {"type": "string", "pattern": EPISODE_PATTERN}


def _slug(name: str, example: str) -> Schema:
    return _path_parameter(
        name,
        f"The {name}'s slug. One not yet introduced at h answers the same 404 as an unknown one.",
        SLUG,
        example,
    )


PARAMETERS: dict[str, Schema] = {
    "show": _path_parameter("show", "The show's slug.", SLUG, "ballard"),
    "h": _path_parameter(
        "h",
        "The horizon: the position of the last episode watched (0 = not started). "
        "Written without leading zeros; past the show's last episode it answers 404.",
        {"type": "integer", "minimum": 0, "maximum": 9999},
        4,
    ),
    "episode": _path_parameter(
        "episode",
        "An episode code in lower case. An episode after h answers 404.",
        EPISODE_CODE,
        "s1e3",
    ),
    "character": _slug("character", "renee-ballard"),
    "storyline": _slug("storyline", "cover-up"),
    "question": _slug("question", "who-killed-sarah"),
    "season": _path_parameter(
        "season",
        "A season number, without leading zeros. A season the show lacks answers 404.",
        {"type": "integer", "minimum": 1, "maximum": 999},
        1,
    ),
    "IfNoneMatch": {
        "name": "If-None-Match",
        "in": "header",
        "required": False,
        "description": "An ETag from an earlier answer: 304 with no body when unchanged.",
        "schema": {"type": "string"},
    },
}

RESPONSES: dict[str, Schema] = {
    "NotModified": {
        "description": "Not modified: the answer still has the ETag sent in If-None-Match.",
        "headers": {"ETag": {"schema": {"type": "string"}, "required": True}},
    },
    "BadRequest": {
        "description": "A malformed query: an unknown parameter, or a search term that is too long.",
        "content": {"application/json": {"schema": dict(REFS[Error])}},
    },
    "NotFound": {
        "description": "Nothing here at this horizon. An unknown show, slug or path, a "
        "malformed or out-of-range horizon, an episode after h and a "
        "character, storyline or question not yet introduced all answer "
        "this same 404, byte for byte.",
        "content": {"application/json": {"schema": dict(REFS[Error])}},
    },
    "Renamed": {
        "description": "A former slug of a question visible at h: the same answer lives at "
        "its new slug, for good. Before the question is raised, a former "
        "slug answers the 404 an unknown slug answers.",
        "headers": {
            "Location": {
                "schema": {"type": "string"},
                "required": True,
                "description": "The same address with the new slug.",
            }
        },
    },
}


# The summaries of the operations that read one story kind, as each kind gives them.
_KIND_SUMMARIES = {op: text for kind in KINDS.values() for op, text in kind.api.items()}


def _summary(operation_id: str) -> str:
    return _KIND_SUMMARIES[operation_id]


def _operation(
    operation_id: str,
    summary: str,
    answer: type[BaseModel],
    parameters: list[str],
    *,
    query: list[Schema] | None = None,
    description: str | None = None,
    renamed: bool = False,
) -> Schema:
    ok = {
        "description": "OK",
        "headers": {
            "ETag": {
                "schema": {"type": "string"},
                "required": True,
                "description": "A hash of the exact bytes of the answer.",
            },
            "Cache-Control": {
                "schema": {"type": "string", "pattern": "^public, (no-cache|max-age=0)"},
                "required": True,
                "description": "Browsers revalidate (max-age=0 or no-cache); shared caches "
                "may keep the answer for s-maxage seconds.",
            },
        },
        "content": {"application/json": {"schema": dict(REFS[answer])}},
    }
    operation: Schema = {
        "operationId": operation_id,
        "summary": summary,
        "parameters": [{"$ref": f"#/components/parameters/{p}"} for p in (*parameters, "IfNoneMatch")]
        + (query or []),
        "responses": {
            "200": ok,
            "304": {"$ref": "#/components/responses/NotModified"},
            "400": {"$ref": "#/components/responses/BadRequest"},
            "404": {"$ref": "#/components/responses/NotFound"},
        },
    }
    if renamed:
        operation["responses"]["308"] = {"$ref": "#/components/responses/Renamed"}
    if description:
        operation["description"] = description
    return operation


AT = "/api/v1/shows/{show}/at/{h}"
SEARCH_QUERY = {
    "name": "q",
    "in": "query",
    "required": False,
    "description": "Words to find, case-insensitively, in everything visible at h. Empty or "
    f"absent: no hits. Longer than {MAX_QUERY_LENGTH} characters: 400.",
    "schema": {"type": "string", "maxLength": MAX_QUERY_LENGTH},
    "example": "rawls",
}
SEARCH_KIND = {
    "name": "kind",
    "in": "query",
    "required": False,
    "description": "Only hits of this kind (the counts still cover every kind).",
    "schema": {"type": "string", "enum": list(SEARCH_KINDS)},
}
SEARCH_PAGE = {
    "name": "page",
    "in": "query",
    "required": False,
    "description": f"Which page of {SEARCH_PAGE_SIZE} hits, from 1; past the last, no hits.",
    "schema": {"type": "string", "pattern": "^[1-9][0-9]{0,3}$"},
}

PATHS: dict[str, Schema] = {
    "/api/v1/shows": {"get": _operation("index", "Every show", ShowList, [])},
    "/api/v1/shows/{show}": {"get": _operation("show", "A show's premise-level facts", Show, ["show"])},
    AT: {
        "get": _operation(
            "home", "A show at h: the latest episode, what it added, the slider's stops", Home, ["show", "h"]
        )
    },
    f"{AT}/episodes": {"get": _operation("episodes", _summary("episodes"), EpisodeList, ["show", "h"])},
    f"{AT}/episodes/{{episode}}": {
        "get": _operation(
            "recap",
            _summary("recap"),
            Recap,
            ["show", "h", "episode"],
        )
    },
    f"{AT}/story": {"get": _operation("story", _summary("story"), Story, ["show", "h"])},
    f"{AT}/story/full": {"get": _operation("story_full", _summary("story_full"), Story, ["show", "h"])},
    f"{AT}/storylines": {
        "get": _operation(
            "storylines",
            _summary("storylines"),
            StorylineList,
            ["show", "h"],
        )
    },
    f"{AT}/storylines/{{storyline}}": {
        "get": _operation(
            "storyline",
            _summary("storyline"),
            Storyline,
            ["show", "h", "storyline"],
        )
    },
    f"{AT}/characters": {
        "get": _operation("characters", _summary("characters"), CharacterList, ["show", "h"])
    },
    f"{AT}/characters/{{character}}": {
        "get": _operation(
            "character",
            _summary("character"),
            Character,
            ["show", "h", "character"],
        )
    },
    f"{AT}/connections": {
        "get": _operation(
            "connections",
            _summary("connections"),
            ConnectionList,
            ["show", "h"],
        )
    },
    f"{AT}/questions": {"get": _operation("questions", _summary("questions"), QuestionBoard, ["show", "h"])},
    f"{AT}/questions/{{question}}": {
        "get": _operation(
            "question", _summary("question"), QuestionAnswer, ["show", "h", "question"], renamed=True
        )
    },
    f"{AT}/next-season": {
        "get": _operation("next_season", _summary("next_season"), NextSeason, ["show", "h"])
    },
    f"{AT}/next-season/{{season}}": {
        "get": _operation(
            "season_left_open",
            _summary("season_left_open"),
            NextSeason,
            ["show", "h", "season"],
        )
    },
    f"{AT}/timeline": {"get": _operation("timeline", _summary("timeline"), Timeline, ["show", "h"])},
    f"{AT}/search": {
        "get": _operation(
            "search",
            "Search what is visible at h",
            SearchResults,
            ["show", "h"],
            query=[SEARCH_QUERY, SEARCH_KIND, SEARCH_PAGE],
        )
    },
    f"{AT}/suggest": {
        "get": _operation(
            "suggest",
            "Typeahead: visible names, aliases and titles for the query as typed",
            Suggestions,
            ["show", "h"],
            query=[SEARCH_QUERY],
        )
    },
    "/api/v1/openapi.json": {
        "get": {
            "operationId": "openapi",
            "summary": "This document",
            "responses": {
                "200": {
                    "description": "The OpenAPI document.",
                    "headers": {"ETag": {"schema": {"type": "string"}, "required": True}},
                    "content": {"application/json": {"schema": {"type": "object"}}},
                },
                "304": {"$ref": "#/components/responses/NotModified"},
                "400": {"$ref": "#/components/responses/BadRequest"},
            },
        }
    },
}

DOCUMENT: Schema = {
    "openapi": "3.1.0",
    "jsonSchemaDialect": "https://spec.openapis.org/oas/3.1/dialect/base",
    "info": {
        "title": "Ballard Guide API",
        "version": "1.0.0",
        "summary": "Spoiler-safe episode guides as JSON.",
        "description": (
            "Read-only. Every answer at a horizon h (the position of the last episode "
            "watched, 0 = not started) shows only what a viewer at h has seen: facts stamped "
            "after h are absent, episodes after h are their position and code only, and "
            "anything not yet introduced answers the same 404 as an unknown address. "
            "Answers depend on the URL alone (no cookies, no authentication). Every 200 has "
            "an ETag; send it back in If-None-Match for a 304. Errors are "
            '{"error": {"code": ..., "message": ...}}.'
        ),
    },
    "paths": PATHS,
    "components": {
        "schemas": SCHEMAS,
        "parameters": PARAMETERS,
        "responses": RESPONSES,
    },
}


@cache
def document_json() -> str:
    """The document as served: indented, in the order written above."""
    return json.dumps(DOCUMENT, indent=2, ensure_ascii=False) + "\n"
