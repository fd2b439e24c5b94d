"""The typed rows of a file, kept by its dry run for its import (docs/adr/0021).

Reading and typing 100,000 rows costs about 3 s, and the import used to do it again right after
the dry run had done it for the same file. The dry run now writes what ``open_table`` gave (the
table's header facts, then each chunk of typed rows and row errors, with its rows' cells as read
and the template's example rows skipped before it) next to the job's file, and the import reads
that instead of the file when it is still valid.

Valid means the same ``key``: the file's hash, the kind, the organisation, the language of the
row errors, the day (checks of future dates depend on it), ``FORMAT`` and whatever the kind says
its parsing depends on (``ImportKind.parse_fingerprint``: value mappings an administrator
decided, for one). A dry run always parses the file and writes the cache again, so a decision
taken on the job's page and followed by a dry run is always in it.

The cache is a pickle, and unpickling runs code, so it is signed with an HMAC of the site's
secret key and read only when the signature and the key match: a file placed or changed in the
storage by anyone else is ignored, and the import parses the file itself.
"""

import contextlib
import hashlib
import hmac
import logging
import pickle  # noqa: S403 - signed with the secret key; read only after the signature is checked
import tempfile
from collections.abc import Callable, Iterator
from typing import IO, Any

from django.core.files.base import File
from django.core.files.storage import Storage
from django.utils.crypto import salted_hmac

logger = logging.getLogger(__name__)

# Bump when what a chunk holds, or how a cell is typed, changes: an older cache is not read.
FORMAT = "koodak-parsed-2"
_MAGIC = b"KPC2"
_SALT = "core.spreadsheets.parsed"
_DIGEST = 32


class ParsedCache:
    """One job's cache of typed rows: ``replay`` it (the import) or ``record`` it (the dry run).

    ``complete()`` says, once the chunks are all read, whether the file was read to its end (a
    file refused while it is read leaves a shorter cache, which must not be written).
    """

    def __init__(
        self,
        storage: Storage,
        name: str,
        key: str,
        *,
        read: bool,
        complete: Callable[[], bool] = lambda: True,
    ) -> None:
        self.storage = storage
        self.name = name
        self.key = hashlib.sha256(key.encode()).digest()
        self.read = read
        self.complete = complete
        self.replayed = False
        self.rows = 0  # typed rows replayed or recorded

    # --- The import -----------------------------------------------------------------------

    def replay(self) -> tuple[Any, Iterator[tuple[list[Any], Any]]] | None:
        """(table, iterator of (chunk, what was kept beside it)) from the cache, or None to parse
        the file."""
        if not self.read:
            return None
        stream = self._load()
        if stream is None:
            return None
        try:
            table = pickle.load(stream)  # noqa: S301 - signed, see the module's docstring
        except Exception:  # a signed cache that does not unpickle: parse the file instead
            logger.warning("unreadable parsed-rows cache %s", self.name, exc_info=True)
            stream.close()
            return None
        self.replayed = True
        return table, self._chunks(stream)

    def _chunks(self, stream: IO[bytes]) -> Iterator[tuple[list[Any], Any]]:
        with stream:
            while (item := pickle.load(stream)) is not None:  # noqa: S301
                self.rows += len(item[0])
                yield item

    def _load(self) -> IO[bytes] | None:
        """The pickles, once their signature is checked, in a private temporary file: read a
        piece at a time, never held whole (40 MB for 100,000 rows, twice over while the
        signature was checked on a copy: issue 16), and out of reach of a change in the storage
        after the check."""
        try:
            if not self.storage.exists(self.name):
                return None
            handle = self.storage.open(self.name, "rb")
        except OSError:
            return None
        # MAGIC, key, the pickles, then their MAC (written last: the pickles are streamed).
        with handle:
            head = handle.read(len(_MAGIC) + _DIGEST)
            if len(head) < len(_MAGIC) + _DIGEST or not head.startswith(_MAGIC):
                return None
            if not hmac.compare_digest(head[len(_MAGIC) :], self.key):
                return None  # another day, another decision, another file: parse again
            copy = tempfile.TemporaryFile()  # noqa: SIM115 - handed to the caller, who closes it
            mac = _mac(self.key)
            tail = b""
            while piece := handle.read(1024 * 1024):
                data = tail + piece
                body, tail = data[:-_DIGEST], data[-_DIGEST:]
                mac.update(body)
                copy.write(body)
        if len(tail) < _DIGEST or not hmac.compare_digest(mac.digest(), tail):
            copy.close()
            if len(tail) == _DIGEST:
                logger.warning("parsed-rows cache %s has a bad signature; ignored", self.name)
            return None
        copy.seek(0)
        return copy

    # --- The dry run ----------------------------------------------------------------------

    def record(
        self, table: Any, chunks: Iterator[list[Any]], *, beside: Callable[[], Any] = lambda: None
    ) -> Iterator[list[Any]]:
        """Pass ``chunks`` on, writing each to a temporary file as it goes (one chunk in memory
        at a time); the file is stored once the last chunk is read. ``beside()``, called once a
        chunk is read, gives what is kept with it (what reading it changed on the table).

        The import (``read``) that found no valid cache keeps nothing: what it would write is
        deleted once the file is in, and pickling 100,000 rows costs about 0.5 s (issue 16)."""
        if self.read:
            for chunk in chunks:
                self.rows += len(chunk)
                yield chunk
            return
        with tempfile.TemporaryFile() as spool:
            mac = _mac(self.key)
            spool.write(_MAGIC + self.key)

            def put(item: Any) -> None:
                data = pickle.dumps(item, protocol=pickle.HIGHEST_PROTOCOL)
                mac.update(data)
                spool.write(data)

            put(table)
            for chunk in chunks:
                put((chunk, beside()))
                self.rows += len(chunk)
                yield chunk
            put(None)
            spool.write(mac.digest())
            if self.complete():
                spool.seek(0)
                self._store(File(spool))

    def _store(self, content: "File[bytes]") -> None:
        try:
            self.storage.delete(self.name)
            saved = self.storage.save(self.name, content)
        except OSError:
            logger.warning("could not write the parsed-rows cache %s", self.name, exc_info=True)
            return
        if saved != self.name:  # the storage chose another name: the import would not find it
            self.storage.delete(saved)

    def delete(self) -> None:
        with contextlib.suppress(OSError):
            self.storage.delete(self.name)


def _mac(key: bytes) -> "hmac.HMAC":
    return salted_hmac(_SALT, key, algorithm="sha256")
