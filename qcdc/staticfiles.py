"""Static files as production serves them, also under `make run`: compressed (gzip, and Brotli) by
collectstatic, named by a hash of their content, and served by WhiteNoise with a cache lifetime of ten
years (a changed file gets a new name, so browsers never keep a stale one)."""

import gzip
import os

import brotli
from whitenoise.compress import Compressor
from whitenoise.storage import CompressedManifestStaticFilesStorage


class UnchangedFilesCompressor(Compressor):
    """WhiteNoise's compressor, which leaves a file whose compressed copies already hold its content.

    collectstatic writes the hashed copy of a stylesheet or script again on every run, so times say
    nothing: the copies are read back instead (decompressing takes milliseconds, where Brotli at its best
    quality takes most of a collectstatic's time). A later `make run` with the same files compresses none."""

    def compress(self, path):
        copies = [(path + ".br", brotli.decompress)] if self.use_brotli else []
        copies += [(path + ".gz", gzip.decompress)] if self.use_gzip else []
        if copies and os.path.exists(copies[0][0]):
            with open(path, "rb") as f:
                data = f.read()
            made = [(name, decompress) for name, decompress in copies if os.path.exists(name)]
            if all(_holds(name, decompress, data) for name, decompress in made):
                return [name for name, _ in made]
        return super().compress(path)


def _holds(name: str, decompress, data: bytes) -> bool:
    try:
        with open(name, "rb") as f:
            return decompress(f.read()) == data
    except (OSError, ValueError, brotli.error):
        return False


class CollectedStaticFilesStorage(CompressedManifestStaticFilesStorage):
    """The production storage, hashed names included when DEBUG is on (Django's own storage gives the
    plain names then, which browsers may only cache briefly)."""

    def url(self, name, force=False):
        return super().url(name, force=True)

    def create_compressor(self, **kwargs):
        return UnchangedFilesCompressor(**kwargs)
