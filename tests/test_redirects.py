"""The one open-redirect rule (ballard/redirects.py), and both forms that redirect by it."""

import pytest

from ballard.redirects import safe_local_path
from tests.conftest import make_editor

# Each is refused under any prefix: written for "/editor/", and again under the guide's.
HOSTILE = [
    "https://evil.example/",
    "https://evil.example/editor/",
    "javascript:alert(1)",
    "//evil.com",
    "//evil.com/editor/",
    "/\\evil.com",
    "\\\\evil.com",
    "/%5cevil.com",
    "/editor//evil.com",
    "/editor/\\evil",
    "/editor/%5Cevil",
    "/editor/%2f%2fevil.com",
    "/editor/x?then=//evil.com",
    "/editor/../auth/login",
    "/editor/./tiny/",
    "/editor/tiny/..",
    "/editor/%2e%2e/auth/login",
    "/editor/.%2E/auth/login",
    "/editor/%2E/",
    "/editor/%0d%0a",
    "/editor/\r\nSet-Cookie: x=1",
    "/editor/a\tb",
    "/editor/a\nb",
    "/editor/\x00",
    "/editor/%00",
    "/editor/\x7f",
    "/editor/\x85",
    "/editor/\u2028",
    "/editor/\u202egnp.exe",
]
NOT_UNDER_PREFIX = [
    None,
    "",
    "/",
    "/editor",
    "/editorial/",
    "/EDITOR/",
    " /editor/",
    "\t/editor/",
    "editor/",
    "/auth/login",
    "/tiny/at/1/",
]
FINE = [
    "/editor/",
    "/editor/tiny/",
    "/editor/tiny/plot-points/s1e2-owen-marsh-says",
    "/editor/tiny/history?key=s1e3%2F2",
    "/editor/tiny/#history",
    "/editor/a..b/c.d",
    "/editor/tiny/characters/zoë",
    # Escapes in the query stay escaped in the Location header and cannot move the browser.
    "/editor/tiny/history?key=a%0Ab",
]


def _under(target: str | None, prefix: str) -> str | None:
    return target.replace("/editor/", prefix, 1) if target else target


@pytest.mark.parametrize("target", HOSTILE + NOT_UNDER_PREFIX)
@pytest.mark.parametrize("prefix", ["/editor/", "/ballard/at/"])
def test_hostile_and_outside_targets_are_refused(target, prefix):
    assert safe_local_path(_under(target, prefix), prefix) is None


@pytest.mark.parametrize("target", FINE)
@pytest.mark.parametrize("prefix", ["/editor/", "/ballard/at/"])
def test_paths_under_the_prefix_pass_unchanged(target, prefix):
    target = _under(target, prefix)
    assert safe_local_path(target, prefix) == target


@pytest.mark.parametrize(
    "target",
    [
        "/ballard/at/3/%0d%0a",
        "/ballard/at/3/../../admin",
        "/ballard/at/3/\r\nSet-Cookie: x=1",
        "/ballard/atx/",
    ],
)
def test_the_guide_prefix_is_held_too(target):
    assert safe_local_path(target, "/ballard/at/") is None
    assert safe_local_path("/ballard/at/3/", "/ballard/at/") == "/ballard/at/3/"


@pytest.mark.parametrize("prefix", ["/editor", "editor/", ""])
def test_a_prefix_must_be_a_whole_folder(prefix):
    with pytest.raises(ValueError, match="prefix must start and end with '/'"):
        safe_local_path("/editor/", prefix)


# --- both forms that redirect use it ---------------------------------------------------------------


@pytest.mark.parametrize("target", HOSTILE)
def test_the_sign_in_form_refuses_each_hostile_next(tiny, client, auth, target):
    make_editor(tiny)
    response = auth.login(next=target)
    assert response.status_code == 303
    assert response.headers["Location"] == "/editor/"


@pytest.mark.parametrize("target", HOSTILE)
def test_the_progress_form_refuses_each_hostile_next(tiny, client, target):
    response = client.post(
        "/tiny/progress",
        data={"horizon": "2", "next": _under(target, "/tiny/at/")},
        headers={"Sec-Fetch-Site": "same-origin"},
    )
    assert response.status_code == 303
    assert response.headers["Location"] == "/tiny/at/2/"


def test_both_forms_follow_a_good_next(tiny, client, auth):
    make_editor(tiny)
    assert auth.login(next="/editor/tiny/history").headers["Location"] == "/editor/tiny/history"
    response = client.post(
        "/tiny/progress",
        data={"horizon": "2", "next": "/tiny/at/2/characters/owen-marsh"},
        headers={"Sec-Fetch-Site": "same-origin"},
    )
    assert response.headers["Location"] == "/tiny/at/2/characters/owen-marsh"
