"""Django's Redis cache that answers "not cached" instead of failing when Redis is down (RE-04).

Every cached value here is a copy of something the database can compute (the dashboards'
figures), so a read that cannot reach Redis is a miss, and a write or delete that cannot reach
it is skipped; the page computes from the database. Short socket timeouts (settings) keep a
Redis that does not answer from holding a page. No security control reads this cache: sign-in
lockouts (axes) and sessions are kept in the database.
"""

import functools
import logging
from collections.abc import Callable
from typing import Any, TypeVar

from django.core.cache.backends.redis import RedisCache
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

logger = logging.getLogger(__name__)

UNREACHABLE = (RedisConnectionError, RedisTimeoutError, OSError)
F = TypeVar("F", bound=Callable[..., Any])


def _or(fallback: Callable[..., Any]) -> Callable[[F], F]:
    def decorate(method: F) -> F:
        @functools.wraps(method)
        def wrapper(self: Any, *args: Any, **kwargs: Any) -> Any:
            try:
                return method(self, *args, **kwargs)
            except UNREACHABLE as error:
                logger.warning("cache unreachable, %s skipped (%s)", method.__name__, error)
                return fallback(*args, **kwargs)

        return wrapper  # type: ignore[return-value]

    return decorate


def _default(key: Any, default: Any = None, version: Any = None) -> Any:
    return default


class ForgivingRedisCache(RedisCache):
    """RedisCache whose reads miss and whose writes are skipped while Redis cannot be reached."""

    get = _or(_default)(RedisCache.get)
    get_many = _or(lambda *a, **k: {})(RedisCache.get_many)
    has_key = _or(lambda *a, **k: False)(RedisCache.has_key)
    add = _or(lambda *a, **k: False)(RedisCache.add)
    set = _or(lambda *a, **k: None)(RedisCache.set)
    set_many = _or(lambda data, *a, **k: list(data))(RedisCache.set_many)
    touch = _or(lambda *a, **k: False)(RedisCache.touch)
    delete = _or(lambda *a, **k: False)(RedisCache.delete)
    delete_many = _or(lambda *a, **k: None)(RedisCache.delete_many)
    clear = _or(lambda *a, **k: None)(RedisCache.clear)
