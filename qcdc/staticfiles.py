"""Static files as production serves them, also under `make run`: compressed (gzip, and Brotli) by
collectstatic, named by a hash of their content, and served by WhiteNoise with a cache lifetime of ten
years (a changed file gets a new name, so browsers never keep a stale one)."""

from whitenoise.storage import CompressedManifestStaticFilesStorage


class CollectedStaticFilesStorage(CompressedManifestStaticFilesStorage):
    """The production storage, hashed names included when DEBUG is on (Django's own storage gives the
    plain names then, which browsers may only cache briefly)."""

    def url(self, name, force=False):
        return super().url(name, force=True)
