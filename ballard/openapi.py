"""The OpenAPI 3.1 document of the JSON API (ballard/views/api.py), served at
/api/v1/openapi.json.

Written by hand as plain data so it reads as a contract. tests/test_api.py fails when a
route is missing here or a path here has no route, and checks real answers against the
schemas below; tests/test_fuzz.py fuzzes the API from this document with Schemathesis.
Every object schema lists all its properties as required and allows no others, so a field
added to an answer without being documented (or the reverse) fails the tests.
"""

from __future__ import annotations

import json
from functools import cache
from typing import Any

from ballard.views.guide import MAX_QUERY_LENGTH

Schema = dict[str, Any]

SLUG_PATTERN = "^[a-z0-9]+(?:-[a-z0-9]+)*$"
EPISODE_PATTERN = "^s[1-9][0-9]{0,2}e[1-9][0-9]{0,3}$"


def ref(name: str) -> Schema:
    return {"$ref": f"#/components/schemas/{name}"}


def nullable(schema: Schema) -> Schema:
    return {"oneOf": [schema, {"type": "null"}]}


def array(items: Schema) -> Schema:
    return {"type": "array", "items": items}


def obj(description: str | None = None, **properties: Schema) -> Schema:
    """A closed object: every property required, nothing else allowed."""
    schema: Schema = {
        "type": "object",
        "properties": properties,
        "required": list(properties),
        "additionalProperties": False,
    }
    if description:
        schema["description"] = description
    return schema


STRING: Schema = {"type": "string"}
NULLABLE_STRING: Schema = {"type": ["string", "null"]}
URL: Schema = {"type": "string", "format": "uri-reference", "description": "A path on this site."}
POSITION: Schema = {"type": "integer", "minimum": 1}
HORIZON: Schema = {"type": "integer", "minimum": 0}


def at(**data: Schema) -> Schema:
    """An answer at a horizon: the show, h, and the page's own data."""
    return obj(None, show=ref("ShowBrief"), h=HORIZON, **data)


SCHEMAS: dict[str, Schema] = {
    "Error": obj(
        "Every error, whatever its status.",
        error=obj(None, code={"type": "string", "examples": ["not_found", "bad_request"]},
                  message=STRING),
    ),
    "Show": obj(
        "A show's premise-level facts (nothing stamped in an episode).",
        slug=STRING, title=STRING, network=NULLABLE_STRING, premise=STRING,
        episode_count={"type": "integer", "minimum": 0},
        url=URL, start={**URL, "description": "The show's home at h = 0."},
    ),
    "ShowBrief": obj(None, slug=STRING, title=STRING,
                     episode_count={"type": "integer", "minimum": 0}),
    "EpisodeRef": obj("An episode at or before h, by position and code.",
                      position=POSITION, code=STRING),
    "Since": {**nullable(ref("EpisodeRef")),
              "description": "The episode a fact dates from; null when it is known from the "
                             "premise (before the first episode)."},
    "WatchedEpisode": obj(
        "An episode at or before h. `title` is null when no title is established; "
        "`display_title` is then \"Episode N\".",
        position=POSITION, code={"type": "string", "examples": ["S1E3"]},
        slug={"type": "string", "pattern": EPISODE_PATTERN}, watched={"const": True},
        title=NULLABLE_STRING, display_title=STRING,
        release_date={"type": ["string", "null"], "format": "date"},
        runtime_minutes={"type": ["integer", "null"], "minimum": 1},
        writer=NULLABLE_STRING, director=NULLABLE_STRING, url=URL,
    ),
    "UnwatchedEpisode": obj(
        "An episode after h: its position and code, nothing else.",
        position=POSITION, code=STRING, watched={"const": False},
    ),
    "Episode": {"oneOf": [ref("WatchedEpisode"), ref("UnwatchedEpisode")]},
    "CharacterRef": obj(None, slug=STRING, name=STRING, url=URL),
    "StorylineRef": obj(None, slug=STRING, title=STRING, url=URL),
    "Status": obj("A stamped status row: the latest one at or before h is current.",
                  status=STRING, note=NULLABLE_STRING, episode=ref("Since")),
    "PlotPoint": obj(
        None, text=STRING, level={"enum": ["minor", "major", "twist"]},
        twist={"type": "boolean"}, characters=array(ref("CharacterRef")),
    ),
    "EpisodePoints": obj(None, episode=ref("EpisodeRef"), points=array(ref("PlotPoint"))),
    "Question": obj(
        "`answer` and `answered` are null while the question is open at h.",
        slug=STRING, text=STRING, raised=ref("Since"), answer=NULLABLE_STRING,
        answered=nullable(ref("EpisodeRef")), url=URL,
    ),
    "StatusChange": obj(None, kind={"enum": ["character", "storyline"]}, slug=STRING,
                        name=STRING, change=ref("Status"), url=URL),
    "News": obj(
        "What one watched episode added.",
        characters_introduced=array(ref("CharacterRef")),
        status_changes=array(ref("StatusChange")),
        questions_raised=array(ref("Question")),
        questions_answered=array(ref("Question")),
    ),
    "StorylineSummary": obj(None, slug=STRING, title=STRING, summary=STRING,
                            status=nullable(ref("Status")), url=URL),
    "StorylineStory": obj(None, slug=STRING, title=STRING, summary=STRING,
                          status=nullable(ref("Status")), url=URL,
                          episodes=array(ref("EpisodePoints"))),
    "StorylineDetail": obj(None, slug=STRING, title=STRING, summary=STRING,
                           status=nullable(ref("Status")), url=URL,
                           history=array(ref("Status")), episodes=array(ref("EpisodePoints"))),
    "CharacterSummary": obj(None, slug=STRING, name=STRING, role=STRING,
                            actor=NULLABLE_STRING, status=nullable(ref("Status")),
                            aliases=array(STRING), url=URL),
    "CharacterDetail": obj(
        "`introduced` is null for a character known from the premise.",
        slug=STRING, name=STRING, role=STRING, actor=NULLABLE_STRING,
        status=nullable(ref("Status")), aliases=array(STRING), url=URL,
        introduced=ref("Since"),
        bios=array(obj(None, text=STRING, episode=ref("Since"))),
        history=array(ref("Status")), appearances=array(ref("EpisodeRef")),
    ),
    "SearchHit": obj(
        None, kind={"enum": ["episode", "character", "storyline", "question", "plot point"]},
        title=STRING, snippet=STRING, url=URL,
        page={**URL, "description": "The HTML page of the hit."},
    ),
}

LINK_NAMES = ("episodes", "story", "story_full", "storylines", "characters", "questions",
              "next_season", "timeline", "search")

ANSWERS: dict[str, Schema] = {
    "ShowList": obj(None, shows=array(ref("Show"))),
    "Home": at(
        premise=STRING,
        current_episode=nullable(ref("WatchedEpisode")),
        news=nullable(ref("News")),
        horizons=array(obj("A stop of the progress slider.", h=HORIZON, label=STRING)),
        links=obj(None, **{name: URL for name in LINK_NAMES}),
    ),
    "EpisodeList": at(episodes=array(ref("Episode"))),
    "Recap": at(
        episode=ref("WatchedEpisode"),
        storylines=array(obj(None, storyline=ref("StorylineRef"),
                             points=array(ref("PlotPoint")))),
        news=ref("News"),
        previous=nullable(ref("WatchedEpisode")),
        next=nullable(ref("WatchedEpisode")),
    ),
    "Story": at(view={"enum": ["condensed", "full"]},
                storylines=array(ref("StorylineStory"))),
    "StorylineList": at(storylines=array(ref("StorylineSummary"))),
    "Storyline": at(storyline=ref("StorylineDetail")),
    "CharacterList": at(characters=array(ref("CharacterSummary"))),
    "Character": at(character=ref("CharacterDetail")),
    "QuestionBoard": at(open=array(ref("Question")), answered=array(ref("Question"))),
    "QuestionAnswer": at(question=ref("Question")),
    "NextSeason": at(
        finished={"type": "boolean", "description": "Whether h is the finale."},
        questions={**nullable(array(ref("Question"))),
                   "description": "Questions still open after the finale; null before it."},
    ),
    "Timeline": at(
        episodes=array(ref("EpisodeRef")),
        storylines=array(obj(None, storyline=ref("StorylineRef"),
                             counts=array({"type": "integer", "minimum": 0}))),
    ),
    "SearchResults": at(query=STRING, hits=array(ref("SearchHit")),
                        suggestions=array(STRING)),
}


def _path_parameter(name: str, description: str, schema: Schema, example: Any) -> Schema:
    return {"name": name, "in": "path", "required": True, "description": description,
            "schema": schema, "example": example}


def _slug(name: str, example: str) -> Schema:
    return _path_parameter(
        name, f"The {name}'s slug. One not yet introduced at h answers the same 404 as an "
        "unknown one.", {"type": "string", "pattern": SLUG_PATTERN, "maxLength": 80}, example,
    )


PARAMETERS: dict[str, Schema] = {
    "show": _path_parameter("show", "The show's slug.",
                            {"type": "string", "pattern": SLUG_PATTERN, "maxLength": 80},
                            "ballard"),
    "h": _path_parameter(
        "h", "The horizon: the position of the last episode watched (0 = not started). "
        "Written without leading zeros; past the show's last episode it answers 404.",
        {"type": "integer", "minimum": 0, "maximum": 9999}, 4,
    ),
    "episode": _path_parameter(
        "episode", "An episode code in lower case. An episode after h answers 404.",
        {"type": "string", "pattern": EPISODE_PATTERN}, "s1e3",
    ),
    "character": _slug("character", "renee-ballard"),
    "storyline": _slug("storyline", "cover-up"),
    "question": _slug("question", "who-killed-sarah"),
    "IfNoneMatch": {
        "name": "If-None-Match", "in": "header", "required": False,
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
        "description": "A malformed query: an unknown parameter, or a search term that is "
                       "too long.",
        "content": {"application/json": {"schema": ref("Error")}},
    },
    "NotFound": {
        "description": "Nothing here at this horizon. An unknown show, slug or path, a "
                       "malformed or out-of-range horizon, an episode after h and a "
                       "character, storyline or question not yet introduced all answer "
                       "this same 404, byte for byte.",
        "content": {"application/json": {"schema": ref("Error")}},
    },
}


def _operation(operation_id: str, summary: str, answer: str, parameters: list[str],
               *, query: list[Schema] | None = None, description: str | None = None) -> Schema:
    ok = {
        "description": "OK",
        "headers": {
            "ETag": {"schema": {"type": "string"}, "required": True,
                     "description": "A hash of the exact bytes of the answer."},
            "Cache-Control": {"schema": {"const": "public, no-cache"}, "required": True},
        },
        "content": {"application/json": {"schema": ref(answer)}},
    }
    operation: Schema = {
        "operationId": operation_id,
        "summary": summary,
        "parameters": [{"$ref": f"#/components/parameters/{p}"}
                       for p in (*parameters, "IfNoneMatch")] + (query or []),
        "responses": {
            "200": ok,
            "304": {"$ref": "#/components/responses/NotModified"},
            "400": {"$ref": "#/components/responses/BadRequest"},
            "404": {"$ref": "#/components/responses/NotFound"},
        },
    }
    if description:
        operation["description"] = description
    return operation


AT = "/api/v1/shows/{show}/at/{h}"
SEARCH_QUERY = {
    "name": "q", "in": "query", "required": False,
    "description": "Words to find, case-insensitively, in everything visible at h. Empty or "
                   f"absent: no hits. Longer than {MAX_QUERY_LENGTH} characters: 400.",
    "schema": {"type": "string", "maxLength": MAX_QUERY_LENGTH},
    "example": "rawls",
}

PATHS: dict[str, Schema] = {
    "/api/v1/shows": {"get": _operation("index", "Every show", "ShowList", [])},
    "/api/v1/shows/{show}": {"get": _operation(
        "show", "A show's premise-level facts", "Show", ["show"])},
    AT: {"get": _operation(
        "home", "A show at h: the latest episode, what it added, the slider's stops",
        "Home", ["show", "h"])},
    f"{AT}/episodes": {"get": _operation(
        "episodes", "Every episode; those after h as position and code only",
        "EpisodeList", ["show", "h"])},
    f"{AT}/episodes/{{episode}}": {"get": _operation(
        "recap", "A watched episode's recap by storyline, and what it added",
        "Recap", ["show", "h", "episode"])},
    f"{AT}/story": {"get": _operation(
        "story", "The story so far by storyline: major points and twists",
        "Story", ["show", "h"])},
    f"{AT}/story/full": {"get": _operation(
        "story_full", "The story so far by storyline: every plot point",
        "Story", ["show", "h"])},
    f"{AT}/storylines": {"get": _operation(
        "storylines", "Storylines introduced by h, with their status as of h",
        "StorylineList", ["show", "h"])},
    f"{AT}/storylines/{{storyline}}": {"get": _operation(
        "storyline", "One storyline: status history and plot points up to h",
        "Storyline", ["show", "h", "storyline"])},
    f"{AT}/characters": {"get": _operation(
        "characters", "Characters introduced by h, as of h",
        "CharacterList", ["show", "h"])},
    f"{AT}/characters/{{character}}": {"get": _operation(
        "character", "One character as of h: bio, status timeline, appearances",
        "Character", ["show", "h", "character"])},
    f"{AT}/questions": {"get": _operation(
        "questions", "Questions raised by h: still open, and answered by h",
        "QuestionBoard", ["show", "h"])},
    f"{AT}/questions/{{question}}": {"get": _operation(
        "question", "One question as of h", "QuestionAnswer", ["show", "h", "question"])},
    f"{AT}/next-season": {"get": _operation(
        "next_season", "Questions the finale leaves open (only at the finale horizon)",
        "NextSeason", ["show", "h"])},
    f"{AT}/timeline": {"get": _operation(
        "timeline", "Plot points per storyline per watched episode",
        "Timeline", ["show", "h"])},
    f"{AT}/search": {"get": _operation(
        "search", "Search what is visible at h", "SearchResults", ["show", "h"],
        query=[SEARCH_QUERY])},
    "/api/v1/openapi.json": {"get": {
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
    }},
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
        "schemas": {**SCHEMAS, **ANSWERS},
        "parameters": PARAMETERS,
        "responses": RESPONSES,
    },
}


@cache
def document_json() -> str:
    """The document as served: indented, in the order written above."""
    return json.dumps(DOCUMENT, indent=2, ensure_ascii=False) + "\n"
