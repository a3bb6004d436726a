# Varnish in front of the Ballard Guide (gunicorn). See README.md, "Production", and
# ballard/shared_cache.py for what the app marks as shareable and why.
#
# The key: the URL (with the Host, as Varnish's default hash has it) and, for a reader
# page under /<show>/at/<h>/, the reader cookies of that show only: its progress cookie
# and the upcoming-titles opt-in, in development and production (`__Host-`) spelling.
# Every other cookie is stripped from those requests, so readers at the same horizon share
# one copy; the app sees exactly the cookies the key names. API answers read no cookie.
# The editor, sign-in, every request but GET/HEAD and anything with a session cookie go
# straight to the app. Only answers the app marks with `s-maxage` are kept.
#
# Purge: `BAN` with `xkey: <key>` from an address in `purgers` drops every answer carrying
# that surrogate key (`ballard`: everything; `show-<slug>`: one show). The app sends it
# after every content change when BALLARD_SHARED_CACHE_URLS names this Varnish.
#
# Stale copies: a page is kept past s-maxage for the longer of its stale-if-error and
# stale-while-revalidate windows (the app says 86400 s and 30 s). While the health probe
# finds the app well, a reader gets an expired copy only for 30 s (the app's default
# stale-while-revalidate) while Varnish fetches a new one in the background. When the app
# is down (the probe fails /healthz, which also fails when the database is unreachable),
# or a fetch finds it failing (a 5xx, or no answer) before the probe does, readers get the
# last good copy: a failed fetch never replaces or removes it, and the request is
# restarted to look for it with no limit on its age. A page never kept answers 503 with
# Retry-After: 30.
#
# Storage: search answers (one per query, so a flood of distinct queries is unbounded)
# go to a storage of their own, so that evicting them never evicts a page. varnishd needs
# `-s pages=malloc,<size> -s search=malloc,<size>` (scripts/serve-cached has both); each
# answer names its storage, since Varnish would otherwise take turns between the two.
#
# Run varnishd with `-p http_gzip_support=off`: the app sends gzip itself, with an ETag
# per encoding, and Varnish then keys on the normalized Accept-Encoding (Vary) instead of
# gunzipping (which would weaken the ETag).
vcl 4.1;

import cookie;
import std;

# scripts/serve-cached and the tests replace this address.
probe app_is_well {
    .url = "/healthz";
    .interval = 2s;
    .timeout = 2s;
    .window = 3;
    .threshold = 2;
    .initial = 2;  # start well: a cold Varnish in front of a well app serves at once
}

backend default {
    .host = "127.0.0.1";
    .port = "8000";
    .probe = app_is_well;
}

acl purgers {
    "127.0.0.1";
    "::1";
}

sub vcl_recv {
    if (req.restarts == 0) {
        unset req.http.X-Ballard-Stale;  # ours only (vcl_synth), never the client's
    }
    if (req.method == "BAN") {
        if (client.ip !~ purgers) {
            return (synth(403, "Forbidden"));
        }
        if (req.http.xkey !~ "^[a-z0-9][a-z0-9-]*$") {
            return (synth(400, "BAN needs one surrogate key in xkey"));
        }
        ban("obj.http.xkey ~ (^|\s)" + req.http.xkey + "(\s|$)");
        return (synth(200, "Banned"));
    }
    if (req.method != "GET" && req.method != "HEAD") {
        return (pass);
    }
    if (std.healthy(req.backend_hint) && !req.http.X-Ballard-Stale) {
        set req.grace = 30s;  # stale-while-revalidate (the app's SHARED_CACHE_STALE)
    } else {
        set req.grace = 3650d;  # the copy's own grace (a restart keeps req.grace: reset it)
    }
    if (req.url ~ "^/(editor|auth)([/?]|$)" || req.http.Authorization) {
        return (pass);
    }
    if (req.http.Cookie ~ "(^|;\s*)(__Host-)?session=") {
        return (pass);  # a signed-in editor: previews, never shared
    }
    # One spelling per meaning, so the Vary on Accept-Encoding keys on two values.
    if (req.http.Accept-Encoding ~ "(^|,)\s*(x-)?gzip\s*(,|$)") {
        set req.http.Accept-Encoding = "gzip";
    } else {
        unset req.http.Accept-Encoding;
    }
    if (req.url ~ "^/api/" || req.url ~ "^/static/" || req.url ~ "^/favicon\.ico") {
        unset req.http.Cookie;
        return (hash);
    }
    if (req.url ~ "^/[^/?]+/at/") {
        set req.http.X-Ballard-Show = regsub(req.url, "^/([^/?]+)/at/.*$", "\1");
        if (req.http.X-Ballard-Show !~ "^[A-Za-z0-9_-]+$") {
            return (pass);  # an encoded slug: the app decides what it names
        }
        cookie.parse(req.http.Cookie);
        cookie.keep("horizon-" + req.http.X-Ballard-Show + ",__Host-horizon-"
                    + req.http.X-Ballard-Show + ",show-upcoming-titles,__Host-show-upcoming-titles");
        set req.http.Cookie = cookie.get_string();
        unset req.http.X-Ballard-Show;
        if (req.http.Cookie == "") {
            unset req.http.Cookie;
        }
        return (hash);
    }
    if (req.url ~ "^/(\?|$)") {
        # The list of shows reads no cookie (a signed-in editor passed above): one copy.
        unset req.http.Cookie;
        return (hash);
    }
    # Anything else says `Vary: Cookie` and is keyed on the whole header; /<show>/
    # redirects by cookie and is never kept (the app does not mark it).
    return (hash);
}

sub vcl_hash {
    hash_data(req.url);
    if (req.http.host) {
        hash_data(req.http.host);
    } else {
        hash_data(server.ip);
    }
    # Behind a TLS terminator the app answers HTTPS with HSTS (BALLARD_TRUSTED_PROXIES).
    hash_data(req.http.X-Forwarded-Proto);
    if (req.http.Cookie) {
        hash_data(req.http.Cookie);
    }
    return (lookup);
}

sub vcl_backend_response {
    if (bereq.url ~ "^/static/" || bereq.url ~ "^/favicon\.ico") {
        unset beresp.http.Set-Cookie;
        set beresp.storage = storage.pages;
        if (beresp.ttl <= 0s) {
            # `no-cache` for browsers (they revalidate); Varnish may keep the file 10 s,
            # so a deploy's new CSS shows through it within 10 s.
            set beresp.ttl = 10s;
        }
        return (deliver);
    }
    if (beresp.status >= 500 && !bereq.uncacheable) {
        return (abandon);  # never replaces a kept copy; vcl_synth looks for it again
    }
    if (beresp.http.Cache-Control !~ "s-maxage" || beresp.http.Set-Cookie) {
        set beresp.uncacheable = true;  # private, no-store, errors, redirects: not kept
        set beresp.ttl = 120s;
        return (deliver);
    }
    if (beresp.http.Cache-Control ~ "stale-if-error=[0-9]+") {
        set beresp.grace = std.duration(
            regsub(beresp.http.Cache-Control, "^.*stale-if-error=([0-9]+).*$", "\1s"), 0s);
    }
    if (beresp.http.Cache-Control ~ "stale-while-revalidate=[0-9]+"
        && std.duration(regsub(beresp.http.Cache-Control,
               "^.*stale-while-revalidate=([0-9]+).*$", "\1s"), 0s) > beresp.grace) {
        set beresp.grace = std.duration(regsub(beresp.http.Cache-Control,
            "^.*stale-while-revalidate=([0-9]+).*$", "\1s"), 0s);
    }
    set beresp.keep = 10m;  # an expired copy's ETag lets Varnish revalidate with a 304
    # Any URL with a query (search, suggest, and any made-up parameter on a page) is one
    # of unboundedly many: the search storage, whose evictions never reach a page.
    if (bereq.url ~ "\?") {
        set beresp.storage = storage.search;
    } else {
        set beresp.storage = storage.pages;
    }
    return (deliver);
}

sub vcl_backend_error {
    if (!bereq.uncacheable) {
        return (abandon);  # no answer: vcl_synth looks for a kept copy
    }
    # A request passed to the app (the editor, a POST) that got no answer.
    set beresp.http.Content-Type = "text/plain; charset=utf-8";
    set beresp.http.Retry-After = "30";
    set beresp.http.Cache-Control = "no-store";
    synthetic("The guide is unavailable for a moment. Please try again in 30 seconds.");
    return (deliver);
}

sub vcl_deliver {
    unset resp.http.xkey;  # for the cache, not for readers
    unset resp.http.Surrogate-Key;
    if (obj.hits > 0) {
        set resp.http.X-Cache = "HIT";
    } else {
        set resp.http.X-Cache = "MISS";
    }
}

sub vcl_miss {
    if (req.http.X-Ballard-Stale) {
        return (synth(503, "Unavailable"));  # the app failed and no copy was kept
    }
}

sub vcl_synth {
    if (resp.status == 503 && req.restarts == 0 && (req.method == "GET" || req.method == "HEAD")) {
        # A fetch failed (abandoned above): look again, for a copy of any age.
        set req.http.X-Ballard-Stale = "1";
        return (restart);
    }
    if (resp.status == 503) {
        set resp.http.Content-Type = "text/plain; charset=utf-8";
        set resp.http.Retry-After = "30";
        set resp.http.Cache-Control = "no-store";
        synthetic("The guide is unavailable for a moment. Please try again in 30 seconds.");
        return (deliver);
    }
}
