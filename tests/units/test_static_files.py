"""`make run` compresses a static file again only when it changed: copies of unchanged files are kept."""

import gzip
import os
from pathlib import Path

import brotli

from qcdc.staticfiles import UnchangedFilesCompressor


def test_unchanged_files_are_not_compressed_again_and_changed_ones_are(tmp_path):
    source = tmp_path / "app.js"
    source.write_text("console.log('xin chào');\n" * 400)
    compressor = UnchangedFilesCompressor(quiet=True)
    first = sorted(compressor.compress(str(source)))
    assert first == [f"{source}.br", f"{source}.gz"]

    # The same content written again (collectstatic rewrites hashed scripts each run): the copies stay.
    written = {name: os.stat(name).st_ctime_ns for name in first}
    source.write_text("console.log('xin chào');\n" * 400)
    assert sorted(compressor.compress(str(source))) == first
    assert {name: os.stat(name).st_ctime_ns for name in first} == written

    # A changed file is compressed again.
    source.write_text("console.log('đã đổi');\n" * 400)
    assert sorted(compressor.compress(str(source))) == first
    assert brotli.decompress(Path(f"{source}.br").read_bytes()) == source.read_bytes()
    assert gzip.decompress(Path(f"{source}.gz").read_bytes()) == source.read_bytes()


def test_a_copy_missing_or_broken_is_made_again(tmp_path):
    source = tmp_path / "app.css"
    source.write_text("body { color: #212529; }\n" * 400)
    copy = Path(f"{source}.br")
    compressor = UnchangedFilesCompressor(quiet=True)
    compressor.compress(str(source))
    copy.unlink()
    compressor.compress(str(source))
    assert brotli.decompress(copy.read_bytes()) == source.read_bytes()
    copy.write_bytes(b"\x1b")  # a copy cut short (a collectstatic killed half-way)
    compressor.compress(str(source))
    assert brotli.decompress(copy.read_bytes()) == source.read_bytes()
