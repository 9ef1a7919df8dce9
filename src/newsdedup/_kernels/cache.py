"""Where the compiled kernels are cached, so that only the first run compiles them.

Why this module: numba caches a compiled kernel beside its source
(``_kernels/__pycache__``) and, when that folder is read-only, in
``~/.cache/numba``. In a container both can be read-only (a system-wide
install run by an unprivileged user with no home), and then every run would
compile the kernels again (4-8 s) and print a warning. This picks, once, the
first writable place of:

1. ``NUMBA_CACHE_DIR`` if the user set it (numba's own setting, respected as is);
2. beside the package, numba's default;
3. ``$XDG_CACHE_HOME/newsdedup/numba`` (``~/.cache/newsdedup/numba``);
4. ``<temp dir>/newsdedup-numba-<user id>``.

It must run before the kernel modules are imported: numba chooses the cache
of a function when the function is decorated.

Example:
    >>> choose_cache_dir("/pkg", env={"NUMBA_CACHE_DIR": "/mine"}, writable=lambda p: False)
    '/mine'
    >>> choose_cache_dir("/pkg", env={}, writable=lambda p: p == "/pkg/__pycache__") is None
    True
    >>> choose_cache_dir("/pkg", env={"XDG_CACHE_HOME": "/xdg"}, writable=lambda p: p.startswith("/xdg"))
    '/xdg/newsdedup/numba'
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable, Mapping
from pathlib import Path

__all__ = ["CACHE_DIR", "choose_cache_dir", "configure_cache", "is_writable"]


def is_writable(folder: str) -> bool:
    """Whether a file can be created in ``folder`` (created if missing).

    Tried for real rather than with ``os.access``: root passes ``os.access``
    on a read-only mount, and a read-only mount is what this guards against.
    """
    try:
        os.makedirs(folder, exist_ok=True)
        with tempfile.TemporaryFile(dir=folder):
            pass
    except OSError:
        return False
    return True


def _user_cache_home(env: Mapping[str, str]) -> str:
    base = env.get("XDG_CACHE_HOME") or os.path.join(
        env.get("HOME") or os.path.expanduser("~"), ".cache"
    )
    return os.path.join(base, "newsdedup", "numba")


def choose_cache_dir(
    package_dir: str,
    env: Mapping[str, str] | None = None,
    writable: Callable[[str], bool] = is_writable,
) -> str | None:
    """The kernel cache folder to set, or None to keep numba's default (beside the package)."""
    env = os.environ if env is None else env
    if env.get("NUMBA_CACHE_DIR"):
        return env["NUMBA_CACHE_DIR"]
    if writable(os.path.join(package_dir, "__pycache__")):
        return None
    user = _user_cache_home(env)
    if writable(user):
        return user
    uid = os.getuid() if hasattr(os, "getuid") else "user"
    return os.path.join(tempfile.gettempdir(), f"newsdedup-numba-{uid}")


def configure_cache() -> str | None:
    """Point numba's cache at :func:`choose_cache_dir`'s answer; returns it (None: default)."""
    from numba.core import config

    chosen = choose_cache_dir(str(Path(__file__).parent))
    if chosen is not None:
        config.CACHE_DIR = chosen  # type: ignore[attr-defined]
    return chosen


#: The folder chosen when the kernels were first imported (None: beside the package).
CACHE_DIR = configure_cache()
