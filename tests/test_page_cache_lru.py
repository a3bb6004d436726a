"""The page cache's LRU, bounded by bytes (ballard/page_cache.py)."""

from ballard.page_cache import ENTRY_OVERHEAD, CachedPage, PageCache


def page(size: int) -> CachedPage:
    """A page costing `size` + ENTRY_OVERHEAD bytes."""
    return CachedPage("200 OK", (), b"x" * size, None)


def test_the_least_recently_used_pages_go_first_and_the_bytes_stay_bounded():
    cache = PageCache(max_bytes=3 * (100 + ENTRY_OVERHEAD), version_ttl=1)
    for key in "abc":
        cache.put((key,), page(100))
    assert len(cache) == 3 and cache.bytes == cache.max_bytes
    assert cache.get(("a",)) is not None  # a is now the most recent
    cache.put(("d",), page(100))
    assert [cache.get((k,)) is not None for k in "abcd"] == [True, False, True, True]
    assert cache.bytes <= cache.max_bytes
    assert cache.hits == 4  # a, a, c, d


def test_a_replaced_page_frees_its_old_bytes_and_one_too_big_is_not_kept():
    cache = PageCache(max_bytes=3 * (100 + ENTRY_OVERHEAD), version_ttl=1)
    for key in "abk":
        cache.put((key,), page(100))
    cache.put(("k",), page(150))  # 50 bytes more: only the oldest page (a) goes
    assert [cache.get((k,)) is not None for k in "abk"] == [False, True, True]
    assert cache.bytes == (100 + ENTRY_OVERHEAD) + (150 + ENTRY_OVERHEAD)
    cache.put(("huge",), page(cache.max_bytes))
    assert cache.get(("huge",)) is None and len(cache) == 2
