"""Builders for the notebook and encoding integration tests: every file is made at run time."""
import base64
import json
import os
import zlib
import struct


def png_bytes(n_random=4000):
    """A real PNG (random RGB noise), so its base64 looks like what Jupyter embeds."""
    w = h = max(8, int((n_random / 3) ** 0.5))
    raw = b"".join(b"\x00" + os.urandom(w * 3) for _ in range(h))

    def chunk(kind, data):
        c = struct.pack(">I", len(data)) + kind + data
        return c + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, 8, 2, 0, 0, 0)) +
            chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b""))


def png_b64(n_random=4000):
    return base64.b64encode(png_bytes(n_random)).decode()


def notebook(cells):
    return {"cells": cells, "metadata": {"kernelspec": {"name": "python3", "display_name": "Python 3"}},
            "nbformat": 4, "nbformat_minor": 5}


def code_cell(source, outputs=(), n=1):
    return {"cell_type": "code", "execution_count": n, "metadata": {}, "source": source,
            "outputs": list(outputs)}


def md_cell(source):
    return {"cell_type": "markdown", "metadata": {}, "source": source}


def stream(lines):
    return {"output_type": "stream", "name": "stdout", "text": lines}


def image_output(b64):
    return {"output_type": "display_data", "metadata": {},
            "data": {"image/png": b64, "text/plain": ["<Figure size 640x480 with 1 Axes>"]}}


def dumps(nb):
    # The way Jupyter writes notebooks: indent 1, one key per line.
    return json.dumps(nb, indent=1, ensure_ascii=False) + "\n"
