"""Files and folders brokertui creates for the user: private, whatever the umask.

Every file brokertui writes (exports, reports, logs, backups, the database) is created through
`private_open` and every folder through `ensure_private_dir`: a new file is 0600 and a new
folder 0700. The narrow mode is given to os.open / os.mkdir and then set exactly with fchmod /
chmod; the umask, which is process-wide and shared with other threads, is never touched.

An office may share one database through a Unix group (README, "Sharing one database in an
office"): the database file has group permissions (0660) and its folder is setgid (2770), so
what is created in it belongs to that group. Pass the database's path as `like` and a file
created in a setgid folder of the database's group gets the database's group bits (0660, or
0640 for a read-only group) and a folder 2770 (2750); never any bit for others. Elsewhere, or
without `like`, files stay 0600 and folders 0700.

An existing file keeps its mode (its owner chose it); only what brokertui creates is set.
Backups: create the archive with `private_open(path, "xb", like=db_path).close()` before
`VACUUM INTO` or the backup API writes into it (SQLite would create it 0644 minus the umask).
"""

from __future__ import annotations

import os
import stat
from pathlib import Path
from typing import IO, Any

_FLAGS = {"w": os.O_WRONLY | os.O_TRUNC, "a": os.O_WRONLY | os.O_APPEND, "x": os.O_WRONLY}


def _group(like: Path | str | None) -> tuple[int, int] | None:
    """(gid, group bits) of a database shared through a Unix group: group bits set and its
    folder setgid. None for a private database or no database."""
    if like is None:
        return None
    try:
        db = os.stat(like)
        folder = os.stat(Path(like).parent)
    except OSError:
        return None
    bits = db.st_mode & 0o060
    if bits and folder.st_mode & stat.S_ISGID:
        return db.st_gid, bits
    return None


def _shared_bits(folder: Path, group: tuple[int, int] | None) -> int:
    """The database's group bits if `folder` is a setgid folder of its group, else 0."""
    if group is None:
        return 0
    info = os.stat(folder)
    return group[1] if info.st_mode & stat.S_ISGID and info.st_gid == group[0] else 0


def ensure_private_dir(path: Path | str, *, like: Path | str | None = None) -> Path:
    """Create `path` and its missing parents, each 0700 (2770 when shared, see above); an
    existing folder is left as it is. Returns `path`."""
    path = Path(path)
    group = _group(like)
    missing = []
    for folder in (path, *path.parents):
        if folder.exists():
            break
        missing.append(folder)
    for folder in reversed(missing):
        try:
            os.mkdir(folder, 0o700)
        except FileExistsError:
            continue  # created by another process meanwhile: its mode is its own
        bits = _shared_bits(folder.parent, group)
        os.chmod(folder, (0o700 | stat.S_ISGID | bits | 0o010) if bits else 0o700)
    return path


def private_open(
    path: Path | str, mode: str = "w", *, like: Path | str | None = None, **kwargs: Any
) -> IO[Any]:
    """`open(path, mode, **kwargs)` for writing ("w", "a", "x", with "b" for bytes); a file it
    creates is 0600 (0660 when shared, see above), missing folders as `ensure_private_dir`."""
    path = Path(path)
    flags = _FLAGS[mode.replace("b", "")]
    ensure_private_dir(path.parent, like=like)
    try:
        fd = os.open(path, flags | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        if mode.startswith("x"):
            raise
        fd = os.open(path, flags)
    else:
        try:
            os.fchmod(fd, 0o600 | _shared_bits(path.parent, _group(like)))
        except BaseException:
            os.close(fd)
            raise
    return os.fdopen(fd, mode, **kwargs)
